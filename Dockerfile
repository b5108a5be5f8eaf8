# OpenArc on Debian 12: the README's two steps (install what is needed, build), then serve.
#   docker build -t openarc .
#   docker run -p 8000:8000 -v /models:/models openarc serve --host 0.0.0.0 --model /models/qwen=qwen
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends make sudo && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/install-deps.sh && make build && cp build/openarc /usr/local/bin/openarc
EXPOSE 8000
ENTRYPOINT ["openarc"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
