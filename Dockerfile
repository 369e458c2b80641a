# syncd image: `syncd run` as a long-lived, non-root daemon (see chart/templates/syncd/).
#
# Runs with a read-only root filesystem: everything syncd writes goes to /state (guide
# checkouts, ownership records, the lock) and /tmp, both expected on volumes. With plain
# Docker: docker run --read-only --tmpfs /tmp -v syncd-state:/state -v ./config:/config:ro IMAGE
#
# No HEALTHCHECK: Kubernetes ignores it and probes /healthz and /readyz itself, the port is
# configurable, and one-shot commands (`plan`, `apply`) run from this image would be flagged
# unhealthy.

# Both stages use the same base so the venv's interpreter symlink stays valid. Pinned by the
# digest of the multi-arch index (linux/amd64 and linux/arm64 among its platforms); to move it:
#   docker buildx imagetools inspect python:3.11-slim-bookworm --format '{{json .Manifest.Digest}}'
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Only what the wheel needs; profiles/ ships as the `syncd_profiles` package (the presets).
COPY pyproject.toml README.md LICENSE ./
COPY syncd/ syncd/
COPY profiles/ profiles/
# The venv gets no pip of its own: the base image's pip installs into it (--python), so neither
# pip nor setuptools is copied into the runtime stage.
RUN python -m venv --without-pip /opt/venv \
    && pip --python /opt/venv/bin/python install --no-cache-dir .

FROM ${PYTHON_IMAGE}
ARG PYTHON_IMAGE
# The release workflow passes every one of these; the defaults describe a local build. VERSION
# agrees with syncd/__init__.py (tests/release).
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/syncd-project/syncd
LABEL org.opencontainers.image.title="syncd" \
      org.opencontainers.image.description="Plan and apply TRaSH Guides custom formats, quality profiles, sizes and naming, plus tags and root folders, to Sonarr and Radarr, and preferences to qBittorrent, as code." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}#readme" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="${PYTHON_IMAGE}"

# git: gitpython shells out to it to fetch the TRaSH Guides and Recyclarr templates. The
# version is pinned to bookworm's 2.39 series so Debian security updates still apply.
# UID/GID 1000 match the chart's global.uid/global.gid.
# pip, setuptools and wheel come with the base image; nothing installs at run time, so they go
# (with ensurepip's bundled wheels), leaving no package installer in the running image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends 'git=1:2.39.*' \
    && rm -rf /var/lib/apt/lists/* \
    && python -m pip uninstall --yes --no-cache-dir --disable-pip-version-check pip setuptools wheel \
    && rm -rf /usr/local/lib/python3*/ensurepip /usr/local/bin/pip* \
    && groupadd --gid 1000 syncd \
    && useradd --uid 1000 --gid 1000 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin syncd \
    && install -d -o 1000 -g 1000 -m 0750 /state

COPY --from=build /opt/venv /opt/venv

# HOME and git's global config point at /tmp so nothing tries to write to the read-only root;
# bytecode was compiled at install time, so Python never needs to write .pyc files.
ENV PATH=/opt/venv/bin:$PATH \
    HOME=/tmp \
    GIT_CONFIG_GLOBAL=/tmp/gitconfig \
    SYNCD_STATE_DIR=/state \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

WORKDIR /state
VOLUME ["/state"]
USER 1000:1000
EXPOSE 9707
ENTRYPOINT ["syncd"]
# No -c: syncd finds its config in the mounted /config, a syncd.yml, a Recyclarr recyclarr.yml
# or configs/ folder, or a Configarr config.yml, so any of the three runs as it is.
CMD ["run"]
