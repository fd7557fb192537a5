# One multi-stage image for all five carewatch services (Debian bookworm).
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config \
        libczmq-dev libzmq3-dev libprotobuf-c-dev protobuf-c-compiler \
        libjansson-dev libpq-dev libmicrohttpd-dev libcurl4-openssl-dev libsodium-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    && cmake --build /build -j "$(nproc)" --target carewatch carewatch-intake carewatch-calc \
         carewatch-alert carewatch-export carewatch-gateway

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends \
        libczmq4 libzmq5 libprotobuf-c1 libjansson4 libpq5 libmicrohttpd12 libcurl4 libsodium23 \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin carewatch
COPY --from=build /build/carewatch /build/carewatch-intake /build/carewatch-calc \
     /build/carewatch-alert /build/carewatch-export /build/carewatch-gateway /usr/local/bin/
USER carewatch
# Each service's health check pings it over ZMQ (see docker-compose.yml).
