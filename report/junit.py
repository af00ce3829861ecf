"""JUnit XML, the one test-report format every CI reads (GitLab, Jenkins, the GitHub test-report actions).

One `<testsuite>` per source (homework item or identity file), one `<testcase>` per identity with
classname = that source and name = the identity. An identity that was checked and missed its
expectation is a `<failure>`; one that could not be checked (verdict `error` or `timeout`) is an
`<error>`, which is how CI tools tell "your claim is wrong" from "the check broke". Input errors get
their own suite of `<error>` cases so a typo in a target name turns the report red as well.

No timestamps and no host name: apart from the `time` attributes, the file is the same for the same seed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..input_errors import InputError, input_error
from ..results import IdentityResult, RunResult
from .describe import accepted_label, failure_text, group_of, groups, is_unchecked, shown_rel_err

INPUT_SUITE = "qedcheck input"
# Characters XML 1.0 cannot carry at all, even escaped; ElementTree would write them and break parsers.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_tree(run: RunResult) -> ET.ElementTree:
    root = ET.Element("testsuites", name="qedcheck verify")
    for name, results in groups(run).items():
        root.append(_suite(name, results, run.seed, run.replay_options))
    if run.input_errors:
        root.append(_input_suite(run.input_errors))
    _count(root, root.findall("testsuite"))
    return ET.ElementTree(root)


def junit_string(run: RunResult) -> str:
    tree = junit_tree(run)
    ET.indent(tree, space="  ")
    return ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=False)


def write_junit(run: RunResult, path: str | Path) -> None:
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + junit_string(run) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def _suite(name: str, results: list[IdentityResult], seed: int, options: tuple[str, ...] = ()) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(name))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="seed", value=str(seed))
    for r in results:
        suite.append(_case(r, seed, options))
    _count(suite, suite.findall("testcase"))
    return suite


def _case(r: IdentityResult, seed: int, options: tuple[str, ...] = ()) -> ET.Element:
    case = ET.Element("testcase", classname=_clean(group_of(r)), name=_clean(r.name), time=f"{r.time_s:.3f}")
    if r.location:  # `file` and `line`: what JUnit viewers use to point at the source
        path, _, line = r.location.rpartition(":")
        case.set("file", _clean(path))
        case.set("line", line)
    elif r.input_error is not None:  # an identity that could not be read: point at the field to fix
        _locate(case, r.input_error)
    if not r.ok:
        tag = "error" if is_unchecked(r) else "failure"
        detail = failure_text(r, seed, options)
        problem = ET.SubElement(case, tag, message=_clean(_message(r)), type=r.verdict.value)
        problem.text = _clean(detail)
    out = ET.SubElement(case, "system-out")
    out.text = _clean(_summary(r))
    return case


def _message(r: IdentityResult) -> str:
    """The attribute most viewers show in one line: verdict, then the first thing that broke."""
    head = f"expected {r.expect}, got {r.verdict.value}"
    if r.counterexample is not None:
        return f"{head}: counterexample {r.counterexample.describe()}"
    wrong = [link for link in r.links if not link.ok]
    if wrong:
        link = wrong[0]
        return f"{head}; link {link.derivation}.{link.index} {link.lhs} = {link.rhs} is {link.verdict.value}"
    if r.message:
        return f"{head}: {r.message}"
    return head


def _summary(r: IdentityResult) -> str:
    lines = [f"statement: {r.statement}", f"expect: {r.expect}",
             f"verdict: {r.verdict.value}{accepted_label(r.verdict, r.ok)}"]
    if r.location:
        lines.insert(0, f"location: {r.location}")
    if r.strategy:
        lines.append(f"strategy: {r.strategy}" + (f" ({r.scope})" if r.scope else ""))
    if r.numeric is not None:
        error = shown_rel_err(r)
        lines.append(f"numeric: {r.numeric.points} points"
                     + (f", max rel err {error:.3g}" if error is not None else ""))
    if r.counterexample is not None:
        lines.append(f"counterexample: {r.counterexample.describe()}")
    if r.links:
        lines.append(f"links: {sum(link.ok for link in r.links)}/{len(r.links)} as expected")
    for e in r.errata:
        lines.append(f"erratum at link {e.link}: {e.message}; corrected {e.corrected}")
    return "\n".join(lines)


def _input_suite(errors: tuple[InputError, ...]) -> ET.Element:
    suite = ET.Element("testsuite", name=INPUT_SUITE)
    for number, error in enumerate(map(input_error, errors), start=1):
        case = ET.SubElement(suite, "testcase", classname=INPUT_SUITE, name=f"input error {number}", time="0.000")
        _locate(case, error)
        problem = ET.SubElement(case, "error", message=_clean(str(error)), type="input-error")
        problem.text = _clean(str(error))
    _count(suite, suite.findall("testcase"))
    return suite


def _locate(case: ET.Element, error: InputError) -> None:
    """`file` and `line` of the testcase (what JUnit viewers and CI annotations read), when known."""
    if error.file:
        case.set("file", _clean(error.file))
        if error.line:
            case.set("line", str(error.line))


def _count(element: ET.Element, children: list[ET.Element]) -> None:
    """Fill tests/failures/errors/skipped/time from the children (cases or suites)."""
    if element.tag == "testsuites":
        totals = {key: sum(int(c.get(key, "0")) for c in children) for key in ("tests", "failures", "errors")}
        time = sum(float(c.get("time", "0")) for c in children)
    else:
        totals = {"tests": len(children),
                  "failures": sum(c.find("failure") is not None for c in children),
                  "errors": sum(c.find("error") is not None for c in children)}
        time = sum(float(c.get("time", "0")) for c in children)
    for key, value in totals.items():
        element.set(key, str(value))
    if element.tag == "testsuite":
        element.set("skipped", "0")
    element.set("time", f"{time:.3f}")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
