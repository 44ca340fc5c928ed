"""The complaint is one model split by concern (docs/architecture.md): one
``create``, one ``write``, one ``init`` (in ``huatai_complaint.py``), and no
method of this addon defined in two of its files, so that what a save does
never depends on the order the files are imported in."""

import inspect
from collections import defaultdict

from odoo.tests import TransactionCase, tagged

ONCE = ("create", "write", "copy", "unlink", "init", "_auto_init")


@tagged("post_install", "-at_install")
class TestComplaintModelShape(TransactionCase):
    def _own_classes(self):
        """The classes of this addon that make up ``huatai.complaint``."""
        return [
            cls
            for cls in type(self.env["huatai.complaint"]).__mro__
            if getattr(cls, "_module", None) == "huatai_complaints"
            and cls.__module__.startswith("odoo.addons.huatai_complaints.")
        ]

    def test_create_write_and_init_are_defined_once(self):
        for name in ONCE:
            files = [
                inspect.getsourcefile(cls).rsplit("/", 1)[-1]
                for cls in self._own_classes()
                if name in vars(cls)
            ]
            self.assertIn(len(files), (0, 1), f"{name} defined in {files}")
            if files:
                self.assertEqual(files, ["huatai_complaint.py"], name)

    def test_no_method_is_defined_in_two_files(self):
        defined = defaultdict(list)
        for cls in self._own_classes():
            for name, member in vars(cls).items():
                if callable(member) and not name.startswith("__"):
                    defined[name].append(cls.__module__.rsplit(".", 1)[-1])
        twice = {name: files for name, files in defined.items() if len(files) > 1}
        self.assertEqual(twice, {})
