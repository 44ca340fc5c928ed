"""The HTTP server that pytest-odoo starts (--odoo-http) serves the test database."""

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestHttpLogin(HttpCase):
    def test_login_page(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)

    def test_login_as_admin(self):
        # a session authenticated against the test database reaches the web client
        self.authenticate("admin", "admin")
        response = self.url_open("/odoo/action-base.action_res_users")
        self.assertEqual(response.status_code, 200)
        self.assertIn("odoo.__session_info__", response.text)
