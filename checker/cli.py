"""The command line (click). User errors exit 2 with one line on stderr, never a traceback."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

import click

from archcheck import __version__
from archcheck.config.settings import ConfigError, Settings, load_settings, with_overrides
from archcheck.model import Report

if TYPE_CHECKING:
    from archcheck.rule_api.rule import RuleSpec

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UserError(Exception):
    """A problem with the invocation, reported as one line and exit code 2."""


class DefaultToCheck(click.Group):
    """``archcheck [OPTIONS]`` with no subcommand runs ``archcheck check [OPTIONS]``."""

    def parse_args(self, ctx: click.Context, args: List[str]) -> List[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _codes(values: Tuple[str, ...]) -> Tuple[str, ...]:
    """``--select A,B --select C`` -> ("A", "B", "C")."""
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def _settings(config: Optional[Path]) -> Settings:
    return load_settings(Path.cwd(), config)


def _relative_paths(settings: Settings, paths: Sequence[str]) -> Optional[List[str]]:
    if not paths:
        return None
    result = []
    for raw in paths:
        path = Path(raw).resolve()
        if not path.exists():
            raise UserError(f"{raw}: no such file or directory")
        try:
            rel = path.relative_to(settings.root).as_posix()
        except ValueError:
            raise UserError(f"{raw}: outside the project root {settings.root}") from None
        result.append("" if rel == "." else rel)
    return result


def _rules(settings: Settings) -> List[RuleSpec]:
    from archcheck.pipeline.registry import UnknownRuleCode, select

    try:
        return select(settings.select, settings.ignore)
    except UnknownRuleCode as exc:
        raise UserError(f"unknown rule code or prefix: {exc}") from None


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="archcheck")
def cli() -> None:
    """Architecture compliance checks for Python service monorepos.

    Without a command, runs `archcheck check` with the options given.
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of the findings.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these codes or prefixes (comma-separated).")
@click.option("--strict", is_flag=True, default=None, help="Warnings fail the run too.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the run.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
@click.option("--show-fixes", is_flag=True, help="Show how to fix each finding.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Hide the findings recorded in this baseline file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the per-file phase (default: the CPU count).")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, "--version", prog_name="archcheck")
def check(paths: Tuple[str, ...], fmt: str, output: Optional[str], select: Tuple[str, ...],
          ignore: Tuple[str, ...], strict: Optional[bool], exit_zero: bool, config: Optional[Path],
          show_fixes: bool, quiet: bool, baseline_file: Optional[Path], no_cache: bool,
          jobs: Optional[int], statistics: bool,
          debug: bool) -> int:  # fmt: skip
    """Analyse the whole project and report findings located in PATHS (default: all)."""
    settings = _settings(config)
    settings = with_overrides(
        settings,
        select=_codes(select) or None,
        ignore=(settings.ignore + _codes(ignore)) if ignore else None,
        strict=strict,
    )
    report = _report(settings, _relative_paths(settings, paths), no_cache, jobs)
    baseline_path = baseline_file or (settings.root / settings.baseline if settings.baseline else None)
    if baseline_path is not None:
        from archcheck.pipeline import baseline

        try:
            applied = baseline.apply(report, baseline.read(baseline_path))
        except baseline.BaselineError as exc:
            raise UserError(str(exc)) from None
        report = replace(applied.report, baseline_hidden=applied.hidden, baseline_fixed=applied.fixed)
    text = _render(report, fmt, statistics, show_fixes, quiet)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    failing = len(report.violations) if settings.strict else report.errors
    if settings.strict and report.baseline_fixed:
        failing += 1  # under --strict a baseline is kept tight
    return EXIT_OK if exit_zero or not failing else EXIT_FINDINGS


def _render(report: Report, fmt: str, statistics: bool, show_fixes: bool, quiet: bool) -> str:
    from archcheck.output import text as render

    if statistics and fmt == "text":
        return render.statistics(report) + ("" if quiet else render.summary_line(report) + "\n")
    if fmt == "json":
        return render.to_json(report)
    if fmt == "github":
        return render.to_github(report)
    if fmt == "sarif":
        from archcheck.output.sarif import to_sarif
        from archcheck.pipeline.registry import catalogue

        return to_sarif(report, catalogue())
    return render.to_text(report, show_fixes=show_fixes, quiet=quiet)


def _report(settings: Settings, paths: Optional[List[str]], no_cache: bool, jobs: Optional[int]) -> Report:
    """The report: from the report cache when no input changed, else from a run."""
    import time

    from archcheck.facts.suppressions import today
    from archcheck.pipeline.cache import CacheDir, ReportCache, digest, signature
    from archcheck.project.discovery import discover

    started = time.perf_counter()
    cache = None if no_cache else CacheDir(settings.root / settings.cache_dir)
    reports, layout = None, None
    if cache is not None:
        layout = discover(settings)
        inputs = sorted([*layout.files, *layout.env_files, *layout.compose_files])
        key = digest(settings, paths, today(), [(p, signature(settings.root / p)) for p in inputs])
        reports = ReportCache(cache, key)
        cached = reports.load(settings.root)
        if isinstance(cached, Report):
            return replace(cached, duration_s=round(time.perf_counter() - started, 3))
    from archcheck.pipeline.engine import check as run_check
    from archcheck.pipeline.runner import default_jobs

    report, read = run_check(settings, _rules(settings), paths, cache, jobs or default_jobs(),
                             progress=True, layout=layout)  # fmt: skip
    if reports is not None:
        reports.store(settings.root, read, report)
    return replace(report, duration_s=round(time.perf_counter() - started, 3))


@cli.command("baseline")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Baseline file (default: the `baseline` setting, else archcheck-baseline.json).")
@click.option("--prune", is_flag=True, help="Only drop entries that are fixed; never add.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
def baseline_command(output: Optional[Path], prune: bool, config: Optional[Path]) -> int:
    """Record the current findings so later runs hide them (or prune the fixed ones)."""
    from archcheck.pipeline import baseline

    settings = _settings(config)
    target = output or settings.root / (settings.baseline or "archcheck-baseline.json")
    report = _report(settings, None, no_cache=False, jobs=None)
    found = baseline.current(report)
    if prune:
        try:
            known = baseline.read(target)
        except baseline.BaselineError as exc:
            raise UserError(str(exc)) from None
        kept = [entry for entry in found if entry in known]
        baseline.write(target, kept)
        dropped, remaining = len(known) - len(set(kept)), len(set(kept))
        click.echo(f"pruned {target.name}: {dropped} fixed entries dropped, {remaining} kept")
    else:
        baseline.write(target, found)
        click.echo(f"wrote {target.name}: {len(set(found))} findings recorded")
    return EXIT_OK


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "html"]), default="markdown",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write it to FILE.")
@click.option("--history", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON-lines file: append this run and show the trend against the previous one.")
@click.option("--fail-on-increase", is_flag=True,
              help="Exit 1 if a service's SSOT score or cross-service imports rose.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
def audit(fmt: str, output: Optional[str], history: Optional[Path], fail_on_increase: bool,
          config: Optional[Path]) -> int:  # fmt: skip
    """The daily SSOT audit: per-service metrics and the trend between runs."""
    from archcheck.output import audit as audits
    from archcheck.pipeline.engine import check_project
    from archcheck.pipeline.registry import select
    from archcheck.pipeline.runner import default_jobs

    settings = _settings(config)
    rules = select(("SSOT", "IMP001"), ())
    report, project = check_project(settings, rules, None, None, default_jobs())
    run = audits.measure(report, project)
    before = audits.previous_run(history) if history else None
    change = audits.trend(run, before)
    if history:
        audits.append(history, run)
    render = {"markdown": audits.to_markdown, "json": audits.to_json, "html": audits.to_html}[fmt]
    text = render(run, change)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return EXIT_FINDINGS if fail_on_increase and change["increased"] else EXIT_OK


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(fmt: str) -> int:
    """List every rule: code, name, severity and what it flags."""
    from archcheck.pipeline.registry import catalogue

    specs = catalogue()
    if fmt == "json":
        rows = [{"code": s.code, "name": s.name, "severity": s.severity.value, "summary": s.summary}
                for s in specs]  # fmt: skip
        click.echo(json.dumps(rows, indent=2))
        return EXIT_OK
    width = max(len(s.name) for s in specs)
    for spec in specs:
        click.echo(f"{spec.code}  {spec.name:<{width}}  {spec.severity.value:<7}  {spec.summary}")
    return EXIT_OK


@cli.command()
@click.argument("code")
def explain(code: str) -> int:
    """Show the documentation of a rule, by code or name."""
    from archcheck.pipeline.registry import catalogue

    for spec in catalogue():
        if code.upper() == spec.code or code.lower() == spec.name:
            click.echo(f"{spec.code} ({spec.name}) [{spec.severity.value}]\n")
            click.echo(spec.docs.strip())
            return EXIT_OK
    raise UserError(f"unknown rule: {code} (see `archcheck rules`)")


@cli.command()
@click.option("--output", "-o", default="MASTER_INDEX.md", show_default=True,
              help="Where to write it, relative to the project root; '-' for stdout.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
def index(output: str, config: Optional[Path]) -> int:
    """Write a Markdown MASTER_INDEX of canonical implementations and their duplicates."""
    from archcheck.output.master_index import render
    from archcheck.pipeline.engine import analyse

    settings = _settings(config)
    project, _ = analyse(settings, [])
    text = render(project)
    if output == "-":
        click.echo(text, nl=False)
    else:
        target = settings.root / output
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target.relative_to(settings.root).as_posix()}", err=True)
    return EXIT_OK


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["dot", "mermaid", "json"]), default="dot",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write it to FILE.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Use this config file.")
def graph(fmt: str, output: Optional[str], config: Optional[Path]) -> int:
    """The service dependency graph: services, shared libraries, import counts, forbidden edges."""
    from archcheck.output.graph import render
    from archcheck.pipeline.engine import analyse

    project, _ = analyse(_settings(config), [])
    text = render(project, fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return EXIT_OK


@cli.command()
@click.option("--force", is_flag=True, help="Replace an existing [tool.archcheck] section.")
def init(force: bool) -> int:
    """Detect services, shared libraries and shared requirements; write [tool.archcheck]."""
    from archcheck.config.settings import Settings, find_config
    from archcheck.scaffold import InitError, detect, section, write

    root, _ = find_config(Path.cwd())
    services, shared, requirements = detect(Settings(root=root))
    try:
        target = write(root, section(services, shared, requirements), force)
    except InitError as exc:
        raise UserError(str(exc)) from None
    libraries = "library" if len(shared) == 1 else "libraries"
    found = [f"{len(services)} service(s)", f"{len(shared)} shared {libraries}"]
    if requirements:
        found.append(f"shared requirements {requirements}")
    click.echo(f"wrote [tool.archcheck] to {target.name}: {', '.join(found)}")
    return EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Console entry point: map every failure to an exit code and one line of text."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args, prog_name="archcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("archcheck: aborted", err=True)
        code = EXIT_ERROR
    except click.ClickException as exc:
        click.echo(f"archcheck: error: {exc.format_message()}", err=True)
        code = EXIT_ERROR
    except ConfigError as exc:
        click.echo(f"archcheck: error: {'; '.join(exc.problems)}", err=True)
        code = EXIT_ERROR
    except UserError as exc:
        click.echo(f"archcheck: error: {exc}", err=True)
        code = EXIT_ERROR
    except Exception as exc:  # an archcheck bug: still one line, unless debugging
        if "--debug" in args:
            raise
        click.echo(f"archcheck: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        code = EXIT_ERROR
    sys.exit(code if isinstance(code, int) else EXIT_OK)
