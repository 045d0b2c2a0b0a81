"""Helpers for file rules that care whether code runs inside an ``async def``.

Only the body of a function runs when it is called: decorators, default
values and annotations are evaluated where the function is defined, so they
belong to the enclosing scope. A lambda body is a synchronous scope.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

import libcst as cst
from libcst.helpers import get_full_name_for_node

# `async` and `def` may be separated by spaces, tabs or backslash continuations.
ASYNC_DEF = re.compile(r"\basync(?:[ \t\f]|\\\r?\n)+def\b")


def has_async_def(text: str) -> bool:
    """False only if ``text`` cannot define a coroutine function."""
    return ASYNC_DEF.search(text) is not None


def is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round): code run only as a script."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = {_name_or_string(test.left), _name_or_string(target.comparator)}
    return sides == {"__name__", "'__main__'"}


def _name_or_string(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.SimpleString) and node.evaluated_value == "__main__":
        return "'__main__'"
    return None


class AsyncScopeTracker:
    """Mixin for FileRule: ``self.async_function`` is the async def whose body we are in."""

    def __init__(self) -> None:
        self._scopes: List[Optional[cst.FunctionDef]] = []

    @property
    def async_function(self) -> Optional[cst.FunctionDef]:
        """The innermost function if it is ``async def``; None in sync code."""
        return self._scopes[-1] if self._scopes else None

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node if node.asynchronous is not None else None)

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_If_body(self, node: cst.If) -> None:
        self._scopes.append(None if is_main_guard(node.test) else self.async_function)

    def leave_If_body(self, node: cst.If) -> None:
        self._scopes.pop()

    def visit_Lambda_body(self, node: cst.Lambda) -> None:
        self._scopes.append(None)

    def leave_Lambda_body(self, node: cst.Lambda) -> None:
        self._scopes.pop()


class ImportAliases:
    """Local names bound by imports: ``aio`` -> ``asyncio``, ``r`` -> ``asyncio.run``."""

    def __init__(self) -> None:
        self.names: Dict[str, str] = {}

    def add(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = get_full_name_for_node(alias.name) or ""
                if alias.asname is not None:
                    self.names[get_full_name_for_node(alias.asname.name) or ""] = full
                else:
                    top = full.split(".")[0]
                    self.names[top] = top
        elif isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
            module = get_full_name_for_node(node.module) or ""
            if isinstance(node.names, cst.ImportStar):
                return
            for alias in node.names:
                name = get_full_name_for_node(alias.name) or ""
                local = get_full_name_for_node(alias.asname.name) if alias.asname else name
                self.names[local or name] = f"{module}.{name}"

    def add_module_imports(self, module: cst.Module) -> None:
        """Record the imports at module level (cheap: statements only)."""
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.add(small)

    def qualified(self, node: cst.BaseExpression) -> Optional[str]:
        """The dotted name an expression refers to through imports, if it does."""
        full = get_full_name_for_node(node)
        if not full:
            return None
        head, _, rest = full.partition(".")
        if head not in self.names:
            return None
        return self.names[head] + ("." + rest if rest else "")


def await_instead(module: cst.Module, call: cst.Call) -> Optional[str]:
    """The fix for driving a loop from async code: ``await <first argument>``."""
    if not call.args:
        return None
    return f"await the coroutine instead: await {module.code_for_node(call.args[0].value)}"


class ImportTracker:
    """Mixin for FileRule: ``self.aliases`` knows what imported names stand for."""

    def __init__(self, module: cst.Module) -> None:
        self.aliases = ImportAliases()
        self.aliases.add_module_imports(module)

    def visit_Import(self, node: cst.Import) -> None:
        self.aliases.add(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.aliases.add(node)
