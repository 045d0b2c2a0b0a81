"""LibCST codemod hooks that more than one rule's fix uses (see :mod:`archcheck.rule_api.fixes`).

LibCST is imported inside the hooks: they run only when a file is fixed.
"""

from __future__ import annotations

import io
import tokenize
from typing import TYPE_CHECKING, AbstractSet, Sequence, Union

from archcheck.facts.loops import COROUTINE_KEYWORDS
from archcheck.model import Violation
from archcheck.rule_api.fixes import CstFix, NotFixed, Offer

if TYPE_CHECKING:
    import libcst

    from archcheck.project.project import Project


def await_loop_entry(project: Project, violation: Violation, kinds: AbstractSet[str]) -> Offer:
    """The fix of a finding at a loop entry of one of ``kinds`` (``asyncio.run``,
    ``run_until_complete``): ``await`` its argument; None when the entry is not found or has no
    argument (``run_forever()``: nothing to await instead)."""
    path = violation.location.path
    facts = project.facts.get(path)
    entries = project.at("loop-entries", path, lambda: facts.loop_entries if facts else ())
    entry = next((e for e in entries.get(violation.location, ()) if e.kind in kinds), None)
    if entry is None or not entry.argument:
        return None
    return CstFix(violation.location.path, entry.location, await_argument, f"await {entry.argument}")


def await_argument(node: libcst.CSTNode, around: Sequence[libcst.CSTNode]) -> Union[libcst.CSTNode, NotFixed]:
    """``asyncio.run(x)`` / ``loop.run_until_complete(x)`` -> ``await x``, where that means the same.

    Only directly in the body of an ``async def``, where the call is a statement or its value
    is used by the function itself: never in a nested sync ``def``, ``lambda`` or class body,
    nor in a generator expression (``sum(await f(x) for x in xs)`` would make it an async
    generator). The call must pass the coroutine alone (``debug=True`` would be dropped).
    """
    import libcst as cst

    if not isinstance(node, cst.Call) or not node.args:
        return NotFixed("the call is not where it was read")
    for outer in around:
        if isinstance(outer, cst.Lambda):
            return NotFixed("the call is inside a lambda, which cannot await")
        if isinstance(outer, cst.GeneratorExp):
            return NotFixed(
                "its value is used in a generator expression, which would become an async generator"
            )
        if isinstance(outer, cst.ClassDef):
            return NotFixed("the call is in a class body, which cannot await")
        if isinstance(outer, cst.FunctionDef):
            if outer.asynchronous is None:
                return NotFixed("the call is in a sync function, which cannot await")
            break
    else:
        return NotFixed("the call is not inside an async function")
    argument = node.args[0]
    keyword = argument.keyword.value if argument.keyword else None
    if len(node.args) != 1 or argument.star or (keyword and keyword not in COROUTINE_KEYWORDS):
        return NotFixed("the call passes more than the coroutine (awaiting it would drop the rest)")
    value = argument.value
    inner = [node.whitespace_before_args, argument.whitespace_after_star]
    equal = argument.equal
    if isinstance(equal, cst.AssignEqual) and (
        _has_comment(equal.whitespace_before) or _has_comment(equal.whitespace_after)
    ):
        return NotFixed("a comment sits beside the keyword's '=' (awaiting would drop it)")
    comma = argument.comma
    # what lies between the argument and ")": its own, and a trailing comma's, which goes
    after = [argument.whitespace_after_arg]
    if isinstance(comma, cst.Comma):
        after += [comma.whitespace_before, comma.whitespace_after]
    inner += after
    if any(_has_comment(w) for w in inner):
        # a comment inside the call's parentheses: keep them, and with them the comment
        closing = [w for w in after if _has_comment(w)]
        if len(closing) > 1:
            return NotFixed("comments sit on both sides of the argument's comma (awaiting would drop one)")
        value = value.with_changes(
            lpar=[cst.LeftParen(whitespace_after=node.whitespace_before_args), *value.lpar],
            rpar=[*value.rpar, cst.RightParen(whitespace_before=(closing or after)[0])],
        )
    elif not _is_primary(value) or _breaks_line(cst.Module([]).code_for_node(value)):
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    awaited = cst.Await(expression=value, lpar=node.lpar, rpar=node.rpar)
    # the call as the object of `.x`, `[i]` or `(...)` (its direct parent: an argument or an
    # index is wrapped in an Arg or Index node) needs parentheses around `await`
    needs_parentheses = bool(around) and isinstance(around[0], (cst.Attribute, cst.Subscript, cst.Call))
    if needs_parentheses and not node.lpar:
        awaited = awaited.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return awaited


def _is_primary(value: libcst.BaseExpression) -> bool:
    """Can ``await`` take this expression without parentheses (an atom, a call, an attribute…)?"""
    import libcst as cst

    primary = (
        cst.Name,
        cst.Attribute,
        cst.Call,
        cst.Subscript,
        cst.SimpleString,
        cst.ConcatenatedString,
        cst.FormattedString,
        cst.Integer,
        cst.Float,
        cst.Imaginary,
        cst.List,
        cst.Dict,
        cst.Set,
        cst.ListComp,
        cst.SetComp,
        cst.DictComp,
        cst.GeneratorExp,
        cst.Ellipsis,
    )
    return bool(value.lpar) or isinstance(value, primary)


def _breaks_line(code: str) -> bool:
    """Does the expression's text break a line outside brackets (and strings)? Inside the call's
    parentheses that was a continuation; after ``await`` it needs parentheses of its own."""
    if "\n" not in code and "\r" not in code:
        return False
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type in (tokenize.NL, tokenize.NEWLINE) and depth == 0 and token.string:
                return True
    except (tokenize.TokenError, SyntaxError):
        return True
    return False


def _has_comment(whitespace: object) -> bool:
    import libcst as cst

    return isinstance(whitespace, cst.ParenthesizedWhitespace) and (
        whitespace.first_line.comment is not None
        or any(e.comment is not None for e in whitespace.empty_lines)
    )
