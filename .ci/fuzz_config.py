"""Writes the Schemathesis configuration for `.ci/fuzz`: dictionaries of real IDs.

Random strings are never IDs of records, so without help every write stops at "not a
valid ID" or NOT_FOUND and the logic behind it goes untested. This reads the IDs of the
demo district through the API, one dictionary per type, and binds each ID argument of
the schema (found by introspection) to the dictionary of the type its name says it
takes. Bound arguments still get a generated value some of the time.

Usage: python fuzz_config.py URL TOKEN OUT.toml
"""

import json
import sys
import urllib.request

import graphql

# The ID arguments and input fields, by name, and the type of record each takes.
KINDS = {
    "schoolId": "School",
    "personId": "Person",
    "studentId": "Student",
    "allianceId": "Alliance",
    "memberId": "AllianceMember",
    "speakerId": "AllianceMember",
    "expressedById": "AllianceMember",
    "ownerId": "AllianceMember",
    "fromId": "AllianceMember",
    "recipientIds": "AllianceMember",
    "participantIds": "AllianceMember",
    "goalId": "Goal",
    "goalIds": "Goal",
    "sharedGoalIds": "Goal",
    "progressEntryIds": "ProgressEntry",
    "supersedesId": "VoiceEntry",
    "interventionId": "Intervention",
    "interventionIds": "Intervention",
    "communicationId": "Communication",
    "requestId": "FeedbackRequest",
    "feedbackResponseIds": "FeedbackResponse",
    "reflectionIds": "Reflection",
    "nextStepId": "NextStep",
}
PER_KIND = 25
PROBABILITY = 0.8

IDS_QUERY = """
{
  schools(first: 100) { nodes { id } }
  students(first: 100) {
    nodes {
      id
      alliance {
        id
        members(first: 20, includeFormer: true) { nodes { id person { id } } }
        goals(first: 10) { nodes { id progress(first: 5) { nodes { id } } } }
        interventions(first: 5) { nodes { id } }
        voiceEntries(first: 5) { nodes { id } }
        communications(first: 5) { nodes { id } }
        feedbackRequests(first: 5) { nodes { id } }
        feedbackResponses(first: 5) { nodes { id } }
        reflections(first: 5) { nodes { id } }
        nextSteps(first: 5) { nodes { id } }
      }
    }
  }
}
"""


def post(url, token, query):
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    if body.get("errors"):
        raise SystemExit(f"the API refused {query[:60]!r}: {body['errors']}")
    return body["data"]


def collect_ids(url, token):
    """Every ID in the demo's answer, grouped by the GraphQL type it was read as."""
    found = {}

    def add(kind, node):
        if node and node.get("id"):
            found.setdefault(kind, [])
            if node["id"] not in found[kind] and len(found[kind]) < PER_KIND:
                found[kind].append(node["id"])

    data = post(url, token, IDS_QUERY)
    for school in data["schools"]["nodes"]:
        add("School", school)
    for student in data["students"]["nodes"]:
        add("Student", student)
        alliance = student.get("alliance")
        if not alliance:
            continue
        add("Alliance", alliance)
        for member in alliance["members"]["nodes"]:
            add("AllianceMember", member)
            add("Person", member.get("person"))
        for goal in alliance["goals"]["nodes"]:
            add("Goal", goal)
            for entry in goal["progress"]["nodes"]:
                add("ProgressEntry", entry)
        for field, kind in [
            ("interventions", "Intervention"),
            ("voiceEntries", "VoiceEntry"),
            ("communications", "Communication"),
            ("feedbackRequests", "FeedbackRequest"),
            ("feedbackResponses", "FeedbackResponse"),
            ("reflections", "Reflection"),
            ("nextSteps", "NextStep"),
        ]:
            for node in alliance[field]["nodes"]:
                add(kind, node)
    return found


def id_arguments(schema):
    """(binding key, argument name) of every ID argument of a root field, into inputs."""

    def walk(prefix, name, type_, seen):
        while isinstance(type_, graphql.GraphQLNonNull):
            type_ = type_.of_type
        suffix = ""
        if isinstance(type_, graphql.GraphQLList):
            type_ = type_.of_type
            while isinstance(type_, graphql.GraphQLNonNull):
                type_ = type_.of_type
            suffix = "[*]"
        if isinstance(type_, graphql.GraphQLScalarType) and type_.name == "ID":
            yield f"{prefix}.{name}{suffix}", name
        elif isinstance(type_, graphql.GraphQLInputObjectType) and type_.name not in seen:
            for field_name, field in type_.fields.items():
                yield from walk(f"{prefix}.{name}{suffix}", field_name, field.type, seen | {type_.name})

    for root in (schema.query_type, schema.mutation_type):
        if root is None:
            continue
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for key, name in walk(f"{root.name}.{field_name}", arg_name, arg.type, frozenset()):
                    yield key, name


def toml_string(value):
    return json.dumps(value)


def main():
    url, token, out = sys.argv[1:4]
    introspection = post(url, token, graphql.get_introspection_query())
    schema = graphql.build_client_schema(introspection)
    ids = collect_ids(url, token)
    every = [i for kind in sorted(ids) for i in ids[kind]]
    lines = []
    for kind in sorted(ids):
        lines.append(f"[dictionaries.{kind}]")
        lines.append(f"values = [{', '.join(toml_string(i) for i in ids[kind])}]")
        lines.append("")
    lines.append("[dictionaries.AnyNode]")
    lines.append(f"values = [{', '.join(toml_string(i) for i in every)}]")
    lines.append("")
    lines.append("[parameters]")
    bound = 0
    for key, name in id_arguments(schema):
        kind = KINDS.get(name, "AnyNode")
        if kind not in ids and kind != "AnyNode":
            kind = "AnyNode"
        lines.append(f'{toml_string(key)} = {{ dictionary = "{kind}", probability = {PROBABILITY} }}')
        bound += 1
    with open(out, "w", encoding="utf-8") as fd:
        fd.write("\n".join(lines) + "\n")
    counts = ", ".join(f"{kind} {len(values)}" for kind, values in sorted(ids.items()))
    print(f"fuzz dictionaries: {counts}; {bound} ID arguments bound")


if __name__ == "__main__":
    main()
