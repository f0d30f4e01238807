# The production worker and the starter CLI. The worker does not link the Temporal server,
# so its image stays small; the starter's `dev` command is for one machine, not for images.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/worker ./worker

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/worker /usr/local/bin/worker
ENV SHOPSYNC_DATA_DIR=/tmp/shopsync
ENTRYPOINT ["/usr/local/bin/worker"]
