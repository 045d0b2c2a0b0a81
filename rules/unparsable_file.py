"""A file that cannot be read, decoded or parsed.

## What it does
Reports a Python file that archcheck could not read, decode (NUL bytes, bytes
invalid in the file's encoding, a bad encoding cookie) or parse (a syntax
error under the newest grammar LibCST supports), at the first bad position;
a requirements or `.env` line that cannot be parsed, or a `.env` line with
more than 256 white-space characters in a row (python-dotenv's time grows
with the square of such a run); a `-r`/`-c` include of a file that does not
exist; and requirements files that include each other in a cycle. The rest
of the project is still checked.

## Why is this bad?
No other rule can see into the file, so violations in it go unnoticed, and
the file itself will fail to import at run time.

## Example
```python
def handler(request:
    return request
```

## Use instead
```python
def handler(request):
    return request
```
"""

from typing import TYPE_CHECKING, Iterator

from archcheck.facts.urls import MASK, names_secret
from archcheck.model import Severity, Violation
from archcheck.project.import_graph import cyclic_components
from archcheck.project.layout import below_any
from archcheck.rule_api.examples import Example, example
from archcheck.rule_api.rule import Rule

if TYPE_CHECKING:
    pass

MESSAGE = "cannot check this file: {reason}"
FIX = "fix the file so that Python can read and parse it"

VALID = [
    example("x = 1\n"),
    example(""),
    example('names = ["a"]\nlabel = f"{", ".join(names)}"  # Python 3.12 f-string\n'),
    example("\ufeffx = 1\n"),
]
INVALID = [
    example("def handler(request:  # expect: ARC001\n    return request\n"),
    example("x = 1\nprint 'legacy'  # expect: ARC001\n"),
    Example(
        {
            "requirements.shared.txt": "-r base.txt\nfastapi==0.116.1\n",
            "base.txt": "-r requirements.shared.txt  # expect: ARC001\n",
            "services/api/requirements.txt": (
                "-r ../../requirements.shared.txt\n"
                "-r missing.txt  # expect: ARC001\n"
                "fastapi>=>1  # expect: ARC001\n"
                "--no-such-option  # expect: ARC001\n"
            ),
            "services/api/app/main.py": "",
            "services/api/.env": "OK=1\nnot a valid line  # expect: ARC001\n",
        },
        'services = ["services/*"]\n',
    ),
]


class UnparsableFile(
    Rule,
    code="ARC001",
    name="unparsable-file",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"problems", "includes", "requirements"})

    def check(self) -> Iterator[Violation]:
        for path in sorted(self.project.facts):
            for problem in self.project.facts[path].problems:
                if not problem.beyond_limits:  # ARC003's
                    yield self.violation(problem.location, reason=problem.reason)
        yield from self._includes()

    def _missing(self, target: str) -> str:
        """Why an included file was not found: a folder on its way that cannot be listed (its
        own ARC001 says so), or none there."""
        if below_any(target, (where for where, _ in self.project.layout.unlistable)):
            return "is in a folder that cannot be listed"
        return "does not exist"

    def _includes(self) -> Iterator[Violation]:
        requirements = self.project.requirements
        import networkx as nx  # lazy: warm runs that reuse every finding never load it

        graph: nx.DiGraph[str] = nx.DiGraph()
        for path in sorted(requirements.facts):
            for include in requirements.includes(path):
                if include.target in requirements.facts:
                    graph.add_edge(path, include.target, include=include)
                else:
                    why = requirements.refused.get(include.target) or self._missing(include.target)
                    if requirements.is_root(path):  # (a path that may name a secret is `***`: 134c/03)
                        reason = f"included file '{MASK if names_secret(include.target) else include.target}' {why}"
                    else:  # a file reached by an include may be any file: its lines are never quoted
                        reason = (
                            f"the file this line includes {why} (a line of an included file is not quoted)"
                        )
                    yield self.violation(include.location, reason=reason)
        for component in cyclic_components(graph):
            # start where reading started, so the include that points back is reported
            start = next(path for path in requirements.facts if path in component)
            cycle = nx.find_cycle(component, source=start)
            include = graph.edges[cycle[-1][0], cycle[-1][1]]["include"]
            chain = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
            yield self.violation(include.location, reason=f"requirements include cycle: {chain}")
