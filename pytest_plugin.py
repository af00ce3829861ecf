"""A pytest plugin: every identity a test item, so `-k`, `-x`, `--junitxml` and pytest-xdist just work.

Registered through the `pytest11` entry point and off unless asked: `pytest --qedcheck` collects the
targets of `[tool.qedcheck]` (its `files`), or the whole catalogue when it names none; a
`[tool.qedcheck]` table with `files` turns it on by itself. Items are named
`qedcheck::<source or file>::<identity>` and carry the `qedcheck` marker (`-m "not qedcheck"` skips
them). A failing item reports the verdict, the wrong link and the counterexample, not a traceback.

Nothing heavy is imported until the plugin is on: an installed qedcheck must not slow down every
other pytest run in the environment. Items hold only their identity; xdist workers collect the same
node ids on their own, nothing is pickled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MARKER = "qedcheck"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qedcheck", "qedcheck identities as test items")
    group.addoption("--qedcheck", action="store_true", default=False,
                    help="collect every qedcheck identity ([tool.qedcheck] files, else the catalogue) as a test")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a qedcheck identity checked by the qedcheck plugin")


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect, so they see our items like any other
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    from .config import load_config

    settings_table = load_config(Path(config.rootpath))
    if not (config.getoption("qedcheck") or settings_table.names_files):
        return
    items.extend(collect_identities(session, settings_table))


def collect_identities(session: pytest.Session, settings_table) -> list[pytest.Item]:
    """Items for the configured targets, through the same `select` the command line uses.

    Collected through `session.genitems`, so collection reports, counts and `--collect-only` see them.
    """
    root = QedcheckCollector.from_parent(session, name="qedcheck", nodeid="qedcheck")
    root.settings_table = settings_table
    return list(session.genitems(root))


class QedcheckCollector(pytest.Collector):
    """`qedcheck`: one child per source (catalogue) or file; those hold one item per identity."""

    settings_table = None

    def collect(self):
        from .derivations import catalogue_modules
        from .selection import select

        chosen = select(self.settings_table.targets([]), catalogue_modules)
        run_settings = self.settings_table.run_settings()
        groups: dict[str, list] = {}
        for identity in chosen.identities:
            group = identity.source if identity.origin == "catalogue" else identity.origin
            groups.setdefault(group, []).append(identity)
        children: list[pytest.Node] = [
            GroupCollector.from_parent(self, name=group, identities=tuple(identities), settings=run_settings)
            for group, identities in groups.items()
        ]
        for number, error in enumerate(self.settings_table.errors + chosen.errors, start=1):
            children.append(InputErrorItem.from_parent(self, name=f"input_error_{number}", error=error))
        return children


class GroupCollector(pytest.Collector):
    def __init__(self, *, identities, settings, **kwargs):
        super().__init__(**kwargs)
        self.identities = identities
        self.settings = settings

    def collect(self):
        return [IdentityItem.from_parent(self, name=identity.name, identity=identity, settings=self.settings)
                for identity in self.identities]


class IdentityFailed(Exception):
    """An identity missed its expectation; carries the result for `repr_failure`."""

    def __init__(self, result):
        super().__init__(result.name)
        self.result = result


class IdentityItem(pytest.Item):
    def __init__(self, *, identity, settings, **kwargs):
        super().__init__(**kwargs)
        self.identity = identity
        self.settings = settings
        self.add_marker(MARKER)

    def runtest(self) -> None:
        from .checks.run.workers import verify_with_wall_limit

        result = verify_with_wall_limit(self.identity, self.settings)  # in this process: the same wall limit
        self.user_properties.append(("verdict", result.verdict.value))
        if not result.ok:
            raise IdentityFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, IdentityFailed):
            from .report.describe import failure_text

            return failure_text(excinfo.value.result, self.settings.seed)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"qedcheck identity {self.identity.name} ({self.identity.source})"


class InputErrorItem(pytest.Item):
    """A located input error (bad target, bad [tool.qedcheck]) fails as its own item; the rest still run."""

    def __init__(self, *, error, **kwargs):
        super().__init__(**kwargs)
        self.error = error  # an InputError: printed as its sentence, located by its file and line
        self.add_marker(MARKER)

    def runtest(self) -> None:
        raise IdentityInputError(self.error)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, IdentityInputError):
            return f"qedcheck input error: {self.error}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        file, line = getattr(self.error, "file", ""), getattr(self.error, "line", None)
        return (Path(file) if file else self.path), (line - 1 if file and line else None), \
            f"qedcheck input error: {self.error}"


class IdentityInputError(Exception):
    pass
