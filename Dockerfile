FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=dashboard.settings
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files are collected at build time; WhiteNoise serves them compressed with hashed names.
RUN DEBUG=false SECRET_KEY=build-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput
RUN useradd --create-home app && chown -R app /app/var
USER app
EXPOSE 8000
# Worker settings (threads, timeouts, header limits) are in deploy/gunicorn.conf.py. Migrations and
# the bundled data are not run here, at every start of every web container, but once per deploy by
# the compose file's `setup` service (docs/deploy.md).
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
