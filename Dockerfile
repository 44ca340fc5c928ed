# The image of every Odoo service in docker-compose.yml (demo, test, production):
# the official Odoo 18.0 image plus the Python packages the addons and the test
# runner need (requirements.txt: chinese-calendar, pytest-odoo, ...), and the addons
# themselves in /opt/huatai/addons for the production profile (the development
# services mount ./addons on /mnt/extra-addons, the image's own addons path).
#
#   docker build -t huatai-odoo:18.0 .        (docker compose build does the same)
FROM odoo:18.0

USER root
COPY requirements.txt /tmp/huatai-requirements.txt
# pip of the image's system Python (Debian/Ubuntu "externally managed" environment)
RUN pip3 install --no-cache-dir --break-system-packages \
        -r /tmp/huatai-requirements.txt \
    && rm /tmp/huatai-requirements.txt
# (not under /mnt/extra-addons: the base image declares it a VOLUME)
COPY addons /opt/huatai/addons
COPY deploy/odoo/prod-entrypoint.sh /usr/local/bin/huatai-prod-entrypoint
RUN chmod 0755 /usr/local/bin/huatai-prod-entrypoint
USER odoo
