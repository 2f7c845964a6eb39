# query_service: the in-memory Arabic news index behind gRPC.
# Build from the repository root:
#   docker build -f deploy/query_service.Dockerfile -t khabar/query_service .

FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKHABAR_BUILD_TESTS=OFF -DKHABAR_BUILD_BENCH=OFF \
 && cmake --build build -j2 --target query_service khabar_healthcheck khabar_search_cli

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgrpc++1.51 libgrpc29 libprotobuf32 libicu72 libabsl20220623 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/khabar --create-home khabar
COPY --from=build /src/build/query_service/query_service /usr/local/bin/query_service
COPY --from=build /src/build/query_service/khabar_search /usr/local/bin/khabar_search
COPY --from=build /src/build/common/rpc/khabar_healthcheck /usr/local/bin/khabar_healthcheck
USER khabar
WORKDIR /var/lib/khabar
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["khabar_healthcheck", "--target=127.0.0.1:50051"]
ENTRYPOINT ["query_service", "--listen=0.0.0.0:50051"]
