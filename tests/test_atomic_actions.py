"""``@transaction.atomic`` belongs on a function. On a class it wraps only the class's
construction, and the action it was meant for runs without a transaction: its
``select_for_update`` then fails on PostgreSQL alone (SQLite ignores the lock), which is how
verifying a supplier became a server error without a test on SQLite noticing."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "staticfiles", "webroot"}


def _decorator_names(node: ast.ClassDef) -> list[str]:
    return [ast.unparse(decorator) for decorator in node.decorator_list]


def test_no_class_is_decorated_with_transaction_atomic():
    wrong = []
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                "atomic" in name for name in _decorator_names(node)
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert wrong == []
