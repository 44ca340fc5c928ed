"""The backend web client, with the assets of both addons, boots in headless Chromium.

This also proves that browser tests (tours) work under pytest-odoo: Odoo starts the
Chromium it finds on PATH (google-chrome, chromium, ...); without one it skips.
"""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    def test_web_client_boots_for_admin(self):
        self.browser_js(
            "/odoo",
            "console.log('test successful')",
            ready="odoo.isReady",
            login="admin",
            timeout=120,
        )
