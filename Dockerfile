# Descent Lab, one replica: `docker build -t descentlab .`; a class runs several behind HAProxy
# (compose.yaml, deploy/k8s/). No test or browser dependencies: only what the app needs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # many sessions share the cores and the app's matrices are small: one BLAS thread per process
    OPENBLAS_NUM_THREADS=1 \
    # saved runs: a volume shared by every replica, so a run saved on one opens on any other
    DESCENTLAB_RUNS_DIR=/data/runs

WORKDIR /app
COPY pyproject.toml README.md ./
COPY descentlab descentlab
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 descentlab \
    && mkdir -p /data/runs \
    && chown descentlab /data/runs
COPY .streamlit .streamlit
COPY assets assets
COPY app_pages app_pages
COPY app.py server.py ./

USER 10001
EXPOSE 8501
VOLUME ["/data/runs"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]
CMD ["python", "-m", "streamlit", "run", "server.py", "--server.address=0.0.0.0", "--server.port=8501", \
     "--server.headless=true", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"]
