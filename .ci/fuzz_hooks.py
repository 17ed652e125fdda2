"""Schemathesis hooks for `.ci/fuzz` (loaded with SCHEMATHESIS_HOOKS=fuzz_hooks).

Dates: Schemathesis generates well-formed dates only; ours also sends years far outside
0000-9999 (`-5000-01-01`, `+200000-01-01`), impossible days and extreme offsets,
which the Date and DateTime scalars can be tricked into taking.

Checks: Schemathesis' own `not_a_server_error` counts every GraphQL error that has a `path` and
no code it knows (Apollo's) as a server failure, so a fuzzed id answered with NOT_FOUND,
or a write refused with FORBIDDEN, would fail the run. Those are the API doing its job.
What is a bug: a 5xx, a 200 whose body is not a GraphQL response, and an error that is
INTERNAL or carries no `extensions.code` at all (every error must have one).
"""

from datetime import timezone

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes


def _date(year, month, day):
    if 0 <= year <= 9999:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:+d}-{month:02d}-{day:02d}"


_ODD_DATES = st.builds(
    _date, st.integers(-300_000, 300_000), st.integers(0, 13), st.integers(0, 32)
)
_DATES = st.one_of(st.dates().map(lambda d: d.isoformat()), _ODD_DATES)
_INSTANTS = st.one_of(
    st.datetimes(timezones=st.just(timezone.utc)).map(lambda t: t.isoformat().replace("+00:00", "Z")),
    st.builds(
        lambda date, offset: f"{date}T00:00:00{offset}",
        _DATES,
        st.sampled_from(["Z", "+23:59", "-23:59", "+00:00"]),
    ),
)
schemathesis.graphql.scalar("Date", _DATES.map(nodes.String))
schemathesis.graphql.scalar("DateTime", _INSTANTS.map(nodes.String))


def _describe(case, response):
    body = response.text if len(response.text) < 2000 else response.text[:2000] + "..."
    return f"request: {case.body!r}\nresponse (HTTP {response.status_code}): {body}"


@schemathesis.check
def alliance_no_server_failure(ctx, response, case):
    """No 5xx, no INTERNAL error, no error without a code."""
    if response.status_code >= 500:
        raise AssertionError(f"server error\n{_describe(case, response)}")
    if response.status_code != 200:
        # 400 (not a GraphQL request), 413 (too large), 429 (rate limit): refusals, each
        # with a status that says so.
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"a 200 that is not JSON\n{_describe(case, response)}")
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        raise AssertionError(f"a 200 that is not a GraphQL response\n{_describe(case, response)}")
    for error in body.get("errors") or []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if code is None:
            raise AssertionError(f"an error without extensions.code\n{_describe(case, response)}")
        if code == "INTERNAL":
            raise AssertionError(f"an INTERNAL error\n{_describe(case, response)}")
    return None
