# syntax=docker/dockerfile:1
# newspipe as a container image: built in the official Swift image, run in a slim Debian.
#
#   docker build --build-arg NEWSPIPE_COMMIT=$(git rev-parse HEAD) -t "$NEWSPIPE_IMAGE" .
#   docker run --rm -v "$PWD:/data" "$NEWSPIPE_IMAGE" run      # in a folder holding pipeline.json
#
# NEWSPIPE_IMAGE (e.g. registry.example.com/newspipe:0.1.0) is the one name deploy/kubernetes,
# deploy/slurm and deploy/aws-batch take. The image holds the release tree scripts/package makes
# (/opt/newspipe/bin/newspipe and newspipe-task, the resources in /opt/newspipe/share/newspipe/Resources),
# runs as the unprivileged user newspipe (uid/gid 10001) in /data, and its ENTRYPOINT is newspipe:
# arguments are newspipe's (`run`, `plan`, `validate` …).
# AWS Batch cannot replace an image's entrypoint, so for it build the `batch` target, the same image
# with newspipe-task as entrypoint (exit 1, "finished with some documents rejected", counts as done):
#   docker build --target batch --build-arg NEWSPIPE_COMMIT=$(git rev-parse HEAD) -t "$NEWSPIPE_IMAGE" .
# podman build works the same.
#
# From a release tarball instead of the sources (no Swift image, no compiling: what the tests and a
# release pipeline that has already run scripts/package do), with a build context holding only it:
#   mkdir ctx && cp .build/package/newspipe-0.1.0-linux-x86_64.tar.gz ctx/
#   docker build -f Dockerfile --build-arg NEWSPIPE_FROM=tarball -t "$NEWSPIPE_IMAGE" ctx

ARG SWIFT_VERSION=6.3.1
ARG DEBIAN_RELEASE=bookworm
# Where /opt/newspipe comes from: "source" (compiled in the Swift image below) or "tarball".
ARG NEWSPIPE_FROM=source

FROM docker.io/library/swift:${SWIFT_VERSION}-${DEBIAN_RELEASE} AS build
# The C libraries newspipe links, with headers and pkg-config files. Not pinned: Debian stable
# only ships security fixes, and a pinned version disappears from the mirror once superseded.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libxml2-dev libsqlite3-dev zlib1g-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer is rebuilt only when Package.swift or Package.resolved change.
# Package.resolved is not in git (.gitignore); when the context has one, the build uses its pins.
COPY Package.swift Package.resolved* ./
RUN swift package resolve
COPY . .
# The commit `newspipe --version` reports (the build context has no .git).
ARG NEWSPIPE_COMMIT=unknown
RUN scripts/package --commit "${NEWSPIPE_COMMIT}" --out /out \
 && mkdir /opt/newspipe \
 && tar -xzf /out/newspipe-*.tar.gz -C /opt/newspipe --strip-components=1

FROM build AS from-source

FROM docker.io/library/debian:${DEBIAN_RELEASE}-slim AS from-tarball
COPY newspipe-*-linux-*.tar.gz /tmp/
RUN mkdir /opt/newspipe \
 && tar -xzf /tmp/newspipe-*-linux-*.tar.gz -C /opt/newspipe --strip-components=1 \
 && rm /tmp/newspipe-*-linux-*.tar.gz

FROM from-${NEWSPIPE_FROM} AS newspipe

FROM docker.io/library/debian:${DEBIAN_RELEASE}-slim AS base
# What the binary needs beyond glibc (scripts/package lists it in README.txt): libxml2 (which
# brings ICU and liblzma), SQLite, zlib; libstdc++6 and libgcc-s1 are in the base image.
# ca-certificates for fetching over HTTPS.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libxml2 libsqlite3-0 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin newspipe \
 && mkdir /data && chown newspipe:newspipe /data
COPY --from=newspipe /opt/newspipe /opt/newspipe
ENV PATH=/opt/newspipe/bin:${PATH}
USER 10001:10001
WORKDIR /data
# The build fails here if the binary misses a library or its resources.
RUN mkdir -p /tmp/check/corpus && printf '{}' >/tmp/check/pipeline.json \
 && newspipe --version && newspipe validate --manifest /tmp/check/pipeline.json && rm -rf /tmp/check

FROM base AS batch
ENTRYPOINT ["newspipe-task"]

FROM base AS runtime
ENTRYPOINT ["newspipe"]
CMD ["--help"]
