"""Read a scenario or claim file: YAML -> checked shape -> distributions and expressions.

Every failure is a :class:`~flopcast.errors.FlopcastError` naming the file and the field
(``inputs.duration.range[0]``, ``outputs.compute.expr``) and what was expected. YAML is read
by :func:`flopcast.files.read_yaml` (regular files only, bounded, plain data, no duplicate
keys or aliases).
"""

from __future__ import annotations

import difflib
import keyword
import re
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from flopcast.catalog.loader import builtin_catalog
from flopcast.catalog.model import Catalog
from flopcast.errors import CycleError, FlopcastError, InputError, UnitError, UnknownNameError
from flopcast.files import read_yaml
from flopcast.quantity.units import DIMENSIONLESS, parse_quantity, parse_unit
from flopcast.scenario.claims import rule_tolerance
from flopcast.scenario.expr import parse_expression
from flopcast.scenario.functions import function_table
from flopcast.scenario.inputs import build_distribution, catalog_input
from flopcast.scenario.model import (
    BindingDef,
    Expectation,
    InputDef,
    OutputDef,
    Scenario,
    SolveYearDef,
)
from flopcast.scenario.schema import ExpectSpec, InputSpec, OutputSpec, ScenarioSpec
from flopcast.scenario.signature import Function
from flopcast.scenario.time_axis import (
    YEAR_INPUT,
    check_time_axis,
    scenario_years,
    time_output,
    trajectory_input,
    year_input,
)

T = TypeVar("T")

#: Most inputs, and most outputs, a scenario may have (far beyond any real one; each costs
#: parsing time and sample memory).
MAX_ENTRIES = 5000


def load_scenario(
    path: str | Path, catalog: Catalog | None = None, *, allow_paths: bool = False
) -> Scenario:
    """Load and check a scenario file; raises FlopcastError subclasses on bad input.

    ``catalog`` serves inputs that name a catalog value (the built-in one by default);
    ``allow_paths`` lets the file's ``catalogs:`` lie outside its folder.
    """
    name = str(path)
    try:
        data = read_yaml(name)
    except FlopcastError as err:
        raise err.located(file=name) from None
    return scenario_from_data(name, data, catalog, allow_paths=allow_paths)


def scenario_from_data(
    name: str, data: Any, catalog: Catalog | None = None, *, allow_paths: bool = False
) -> Scenario:
    """The scenario of file ``name`` from its already parsed YAML ``data`` (so that a caller
    that has read the file, to tell scenarios from catalogs, does not parse it twice)."""
    try:
        return _load(name, data, catalog, allow_paths)
    except FlopcastError as err:
        raise err.located(file=name) from None


def _load(name: str, data: Any, catalog: Catalog | None, allow_paths: bool) -> Scenario:
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise InputError(f"expected a mapping with 'title', 'inputs' and 'outputs', got {found}")
    spec = _convert(data, ScenarioSpec, None)
    for section, entries in (("inputs", spec.inputs), ("outputs", spec.outputs)):
        if len(entries) > MAX_ENTRIES:
            raise InputError(
                f"a scenario has at most {MAX_ENTRIES:,} {section}, got {len(entries):,}",
                field=section,
            )
    if spec.catalogs:
        catalog = _scenario_catalog(name, spec.catalogs, catalog, allow_paths)
    inputs = {
        key: _input(key, _convert(value, InputSpec, f"inputs.{key}"), catalog)
        for key, value in spec.inputs.items()
    }
    functions = function_table(catalog)
    years = _years(spec)
    if years:
        if YEAR_INPUT in inputs:
            raise InputError(
                f"{YEAR_INPUT!r} is the calendar year in a scenario with years; rename the input",
                field=f"inputs.{YEAR_INPUT}",
            )
        inputs[YEAR_INPUT] = year_input(years)
    outputs: dict[str, OutputDef] = {}
    solved: dict[str, SolveYearDef] = {}
    bindings: dict[str, BindingDef] = {}
    for key, value in spec.outputs.items():
        output_spec = _convert(value, OutputSpec, f"outputs.{key}")
        if output_spec.solve_year is not None or output_spec.binding is not None:
            made = time_output(key, output_spec, years)
            if isinstance(made, SolveYearDef):
                solved[key] = made
            else:
                bindings[key] = made
        else:
            outputs[key] = _output(key, output_spec, functions)
    clashes = sorted(inputs.keys() & (solved.keys() | bindings.keys()))
    if clashes:
        raise InputError(
            f"{clashes[0]!r} is both an input and an output", field=f"outputs.{clashes[0]}"
        )
    _check_names(inputs, outputs)
    check_time_axis(years, inputs, outputs, solved, bindings)
    order = _topological_order(outputs)
    return Scenario(
        path=name,
        title=spec.title,
        id=spec.id,
        description=spec.description,
        source=spec.source,
        inputs=inputs,
        outputs=outputs,
        order=order,
        input_dependencies=_input_dependencies(inputs, outputs, order),
        catalog=catalog,
        correlations=_correlations(spec.correlations, inputs),
        functions=functions,
        source_text=None if spec.source_text is None else str(Path(name).parent / spec.source_text),
        years=years,
        solved=solved,
        bindings=bindings,
    )


def _years(spec: ScenarioSpec) -> tuple[int, ...]:
    try:
        return scenario_years(spec.years)
    except FlopcastError as err:
        raise err.located(field="years") from None


def _correlations(
    pairs: list[tuple[str, str, float]], inputs: dict[str, InputDef]
) -> tuple[tuple[str, str, float], ...]:
    """Checked correlation pairs: between two different uncertain inputs, consistent."""
    from flopcast.quantity.correlation import correlation_matrix
    from flopcast.quantity.distributions import Point

    for index, (a, b, _) in enumerate(pairs):
        for name in (a, b):
            if name not in inputs:
                close = difflib.get_close_matches(name, sorted(inputs), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise UnknownNameError(
                    f"unknown input {name!r}{hint}", field=f"correlations[{index}]"
                )
            if isinstance(inputs[name].distribution, Point):
                raise InputError(f"{name!r} is a point value; only uncertain inputs correlate",
                                 field=f"correlations[{index}]")  # fmt: skip
        if a == b:
            raise InputError(
                "an input cannot correlate with itself", field=f"correlations[{index}]"
            )
    if pairs:
        names = sorted({n for a, b, _ in pairs for n in (a, b)})
        try:
            correlation_matrix(names, pairs)
        except InputError as err:
            raise err.located(field="correlations") from None
    return tuple(pairs)


def _scenario_catalog(
    name: str, files: list[str], base: Catalog | None, allow_paths: bool
) -> Catalog:
    """The catalog with the scenario's own files (relative to it) applied on top, merged
    field by field as ``--catalog`` files are. The files must lie in the scenario's folder or
    below it, unless ``allow_paths``."""
    from flopcast.catalog.loader import override_catalog, read_catalog_file

    folder = Path(name).parent
    catalog = base or builtin_catalog()
    for index, file in enumerate(files):
        where = f"catalogs[{index}]"
        path = folder / file
        if not allow_paths and not _inside(folder, path):
            raise InputError(
                f"catalog files must lie in the scenario's folder or below it, got {file!r} "
                "(--allow-paths lifts this)",
                field=where,
            )
        try:
            catalog = override_catalog(catalog, read_catalog_file(str(path)))
        except FlopcastError as err:
            raise err.nested(where) from None
    return catalog


def _inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` lies in ``folder`` or below it (links resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _convert(data: Any, kind: type[T], prefix: str | None) -> T:
    """``data`` as a ``kind`` struct, or an InputError naming the field under ``prefix``."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as err:
        message, field = _split_validation_error(str(err))
        path = ".".join(part for part in (prefix, field) if part)
        raise InputError(message, field=path or None) from None


def _split_validation_error(text: str) -> tuple[str, str | None]:
    """msgspec's ``"Expected `str`, got `int` - at `$.inputs.a.source`"`` as (message, field).

    A missing or unknown key is named in the message; it is appended to the field path.
    """
    message, _, location = text.partition(" - at `$")
    parts = [part for part in re.split(r"\.|(?=\[)", location.rstrip("`")) if part]
    key = re.search(r"(?:missing required|unknown) field `([^`]+)`", message)
    if key:
        parts.append(key.group(1))
    return message.replace("`", "'"), ".".join(parts).replace(".[", "[") or None


def _valid_name(name: str, section: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
        raise InputError(
            "expected a name of letters, digits and underscores, not starting with a digit, "
            "'__' or a Python keyword",
            field=f"{section}.{name}",
        )


def _input(name: str, spec: InputSpec, catalog: Catalog | None) -> InputDef:
    _valid_name(name, "inputs")
    source: str | None
    trajectory = None
    try:
        if spec.by_year is not None or spec.growth is not None:
            if spec.catalog is not None:
                raise InputError(
                    "an input from the catalog has no by_year or growth", field="catalog"
                )
            trajectory, distribution, unit = trajectory_input(spec)
            source = spec.source
        elif spec.catalog is not None:
            distribution, unit, source = catalog_input(spec, catalog or builtin_catalog())
        else:
            distribution, unit = build_distribution(spec)
            source = spec.source
        if source is None or not source.strip():
            raise InputError("every input needs a source (or a catalog reference)", field="source")
    except FlopcastError as err:
        raise err.nested(f"inputs.{name}") from None
    return InputDef(
        name=name,
        distribution=distribution,
        unit=unit,
        source=" ".join(source.split()),
        note=_one_line(spec.note),
        trajectory=trajectory,
    )


def _one_line(text: str | None) -> str | None:
    """Folded YAML text as one line (no trailing newline or runs of spaces)."""
    return None if text is None else " ".join(text.split())


def _output(name: str, spec: OutputSpec, functions: dict[str, Function]) -> OutputDef:
    _valid_name(name, "outputs")
    field = f"outputs.{name}"
    if spec.expr is None:
        raise InputError("an output needs an expr (or solve_year, or binding)", field=field)
    try:
        expression = parse_expression(spec.expr, functions)
    except FlopcastError as err:
        raise err.located(field=f"{field}.expr") from None
    try:
        unit = None if spec.unit is None else parse_unit(spec.unit)
    except UnitError as err:
        raise err.located(field=f"{field}.unit") from None
    expect = None
    if spec.expect is not None:
        try:
            expect = _expectation(spec.expect, unit)
        except FlopcastError as err:
            raise err.nested(f"{field}.expect") from None
    return OutputDef(
        name=name,
        expression=expression,
        unit=unit,
        note=spec.note,
        expect=expect,
        agrees_with=spec.agrees_with,
    )


def _expectation(spec: ExpectSpec, output_unit: Any) -> Expectation:
    given = {
        kind: getattr(spec, kind)
        for kind in ("value", "range", "at_least", "at_most")
        if getattr(spec, kind) is not None
    }
    if len(given) != 1:
        raise InputError(
            "expected exactly one of value, range, at_least, at_most; "
            f"got {sorted(given) or 'none'}"
        )
    kind, claimed = next(iter(given.items()))
    unit = parse_unit(spec.unit) if spec.unit is not None else (output_unit or DIMENSIONLESS)
    numbers = list(claimed) if kind == "range" else [claimed]
    values = [_claimed_number(number, unit, kind) for number in numbers]
    low, high = {
        "value": (values[0], values[0]),
        "range": (values[0], values[-1]),
        "at_least": (values[0], None),
        "at_most": (None, values[0]),
    }[kind]
    if kind == "range" and low > high:  # type: ignore[operator]
        raise InputError(f"range lower end {low:.4g} is above its upper end {high:.4g}")
    if spec.check == "interval" and kind != "range":
        raise InputError("check: interval needs a claimed range", field="check")
    quote = _one_line(spec.quote) or spec.quote
    rule = rule_tolerance(quote, spec.exact)
    tolerance = rule if spec.tolerance is None else _tolerance(spec.tolerance)
    if tolerance > rule + 1e-12 and not (spec.tolerance_reason or "").strip():
        raise InputError(
            f"tolerance {tolerance:.4g} is wider than the {rule:.4g} the quote's words allow "
            "(1% exact arithmetic, 10% a stated value, 20% a hedged one); give "
            "tolerance_reason or use the rule",
            field="tolerance",
        )
    return Expectation(
        quote=quote,
        kind=kind,
        low=low,
        high=high,
        unit=unit,
        tolerance=tolerance,
        exact=spec.exact,
        tolerance_reason=_one_line(spec.tolerance_reason),
        lines=tuple(spec.lines or ()),
        check=spec.check,
        source=_one_line(spec.source),
        note=_one_line(spec.note),
        verdict=spec.verdict,
        year=spec.year,
    )


def _tolerance(written: Any) -> float:
    quantity = parse_quantity(written)
    if not quantity.dimensionless:
        raise UnitError(
            f"a tolerance is a share such as 10% or 0.1, got {written!r}", field="tolerance"
        )
    value = float(quantity.to(DIMENSIONLESS).magnitude)
    if value < 0:
        raise InputError(f"tolerance must be >= 0, got {value}", field="tolerance")
    return value


def _claimed_number(number: Any, unit: Any, kind: str) -> float:
    quantity = parse_quantity(number)
    written_bare = not (isinstance(number, str) and number.strip().endswith("%"))
    if quantity.units == DIMENSIONLESS and unit != DIMENSIONLESS and written_bare:
        return float(quantity.magnitude)  # a bare number is in the claim's unit
    try:
        return float(quantity.to(unit).magnitude)
    except Exception:
        raise UnitError(
            f"claimed {number!r} does not fit the output's unit '{unit}'", field=kind
        ) from None


def _check_names(inputs: dict[str, InputDef], outputs: dict[str, OutputDef]) -> None:
    clashes = sorted(inputs.keys() & outputs.keys())
    if clashes:
        name = clashes[0]
        raise InputError(f"{name!r} is both an input and an output", field=f"outputs.{name}")
    for name, output in outputs.items():
        other = output.agrees_with
        if other is not None and (other not in outputs or other == name):
            raise UnknownNameError(
                f"expected the name of another output, got {other!r}",
                field=f"outputs.{name}.agrees_with",
            )
    known = sorted(inputs.keys() | outputs.keys())
    for name, output in outputs.items():
        for unknown in sorted(output.expression.names - set(known)):
            close = difflib.get_close_matches(unknown, known, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UnknownNameError(
                f"unknown name {unknown!r}{hint}; expected an input or output: {', '.join(known)}",
                field=f"outputs.{name}.expr",
            )


def _topological_order(outputs: dict[str, OutputDef]) -> tuple[str, ...]:
    """Outputs ordered so each follows those it reads; a cycle is an error naming it.

    A depth-first search with an explicit stack: thousands of outputs that each read the
    next must not exhaust Python's recursion limit.
    """
    order: list[str] = []
    state: dict[str, str] = {}
    for root in outputs:
        if state.get(root) == "done":
            continue
        path: list[str] = [root]
        pending = [iter(sorted(outputs[root].expression.names & outputs.keys()))]
        state[root] = "active"
        while pending:
            following = next(pending[-1], None)
            if following is None:
                finished = path.pop()
                pending.pop()
                state[finished] = "done"
                order.append(finished)
            elif state.get(following) == "active":
                cycle = [*path[path.index(following) :], following]
                raise CycleError(
                    f"outputs depend on each other in a cycle: {' -> '.join(cycle)}",
                    field=f"outputs.{following}.expr",
                )
            elif state.get(following) != "done":
                state[following] = "active"
                path.append(following)
                pending.append(iter(sorted(outputs[following].expression.names & outputs.keys())))
    return tuple(order)


def _input_dependencies(
    inputs: dict[str, InputDef], outputs: dict[str, OutputDef], order: tuple[str, ...]
) -> dict[str, frozenset[str]]:
    dependencies: dict[str, frozenset[str]] = {}
    for name in order:
        names = outputs[name].expression.names
        indirect = [dependencies[other] for other in names & outputs.keys()]
        dependencies[name] = frozenset(names & inputs.keys()).union(*indirect)
    return dependencies
