//! Just enough of a reader of the checked-in `schema.graphql` for tests that must cover
//! every type or field the schema has: object, interface and union names, the fields of
//! objects and interfaces with their named (unwrapped) types, and who implements what.
//! Tests drive their cases from it, so a new type or field without a case fails them.

// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

/// The checked-in SDL.
pub const SCHEMA: &str = include_str!("../../../schema.graphql");

/// A field of an object or interface type.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    /// The named type at the bottom of lists and non-nulls (`[Goal!]!` is `Goal`).
    pub named_type: String,
    /// Whether some argument must be given (a non-null one without a default).
    pub required_arguments: bool,
}

/// The parts of the schema tests walk.
#[derive(Debug, Default)]
pub struct Sdl {
    /// Object and interface types, with their fields.
    fields: BTreeMap<String, Vec<Field>>,
    /// Object type → the interfaces it implements.
    implements: BTreeMap<String, Vec<String>>,
    /// Union → its members.
    unions: BTreeMap<String, Vec<String>>,
}

impl Sdl {
    /// Reads the checked-in schema.
    pub fn checked_in() -> Sdl {
        parse(SCHEMA)
    }

    /// The object types implementing `interface`.
    pub fn implementors(&self, interface: &str) -> BTreeSet<String> {
        self.implements
            .iter()
            .filter(|(_, interfaces)| interfaces.iter().any(|i| i == interface))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The fields of object or interface `name`; panics if there is no such type.
    pub fn fields(&self, name: &str) -> &[Field] {
        self.fields
            .get(name)
            .unwrap_or_else(|| panic!("schema.graphql has no object type {name}"))
    }

    /// Whether `name` is an object, interface or union (a field of it needs a selection).
    pub fn is_composite(&self, name: &str) -> bool {
        self.fields.contains_key(name) || self.unions.contains_key(name)
    }

    /// Whether `name` is an object or interface type, whose fields a selection names.
    pub fn has_fields(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// Every composite type a client can reach from `start` by selecting fields,
    /// `start` included, following unions to their members and interfaces to their
    /// implementors.
    pub fn reachable_from(&self, start: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.to_owned()];
        while let Some(name) = todo.pop() {
            if !self.is_composite(&name) || !seen.insert(name.clone()) {
                continue;
            }
            if let Some(members) = self.unions.get(&name) {
                todo.extend(members.iter().cloned());
            }
            todo.extend(self.implementors(&name));
            if let Some(fields) = self.fields.get(&name) {
                todo.extend(fields.iter().map(|f| f.named_type.clone()));
            }
        }
        seen
    }
}

/// Parses SDL as async-graphql prints it.
pub fn parse(text: &str) -> Sdl {
    // Descriptions are the odd pieces between `"""` fences.
    let text: String = text.split("\"\"\"").step_by(2).collect();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut sdl = Sdl::default();
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at];
        at += 1;
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some(keyword @ ("type" | "interface")), Some(name)) => {
                let interfaces = match line.split_once(" implements ") {
                    Some((_, list)) => list
                        .trim_end_matches('{')
                        .split('&')
                        .map(|i| i.trim().to_owned())
                        .filter(|i| !i.is_empty())
                        .collect(),
                    None => Vec::new(),
                };
                let end = at
                    + lines[at..]
                        .iter()
                        .position(|l| *l == "}")
                        .expect("a type body ends with `}`");
                let fields = fields_of(&lines[at..end].join("\n"));
                at = end + 1;
                if keyword == "type" {
                    sdl.implements.insert(name.to_owned(), interfaces);
                }
                sdl.fields.insert(name.to_owned(), fields);
            }
            (Some("union"), Some(name)) => {
                let (_, members) = line.split_once('=').expect("union X = A | B");
                sdl.unions.insert(
                    name.to_owned(),
                    members.split('|').map(|m| m.trim().to_owned()).collect(),
                );
            }
            _ => {}
        }
    }
    sdl
}

/// The fields in a type's body: one per line, except that arguments may span lines.
fn fields_of(body: &str) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in body.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c == '\n' && depth == 0 {
            fields.extend(field(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    fields.extend(field(&current));
    fields
}

fn field(text: &str) -> Option<Field> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let (name, arguments, after) = match text.find('(') {
        Some(open) => {
            let close = text.rfind(')').expect("arguments close");
            (&text[..open], &text[open + 1..close], &text[close + 1..])
        }
        None => {
            let colon = text.find(':').expect("name: Type");
            (&text[..colon], "", &text[colon..])
        }
    };
    let named_type = after
        .trim_start_matches([':', ' '])
        .split_whitespace()
        .next()
        .expect("a field type")
        .trim_matches(|c| c == '[' || c == ']' || c == '!')
        .to_owned();
    let required_arguments = arguments.split([',', '\n']).any(|argument| {
        let argument = argument.trim();
        argument.ends_with('!') && !argument.contains('=')
    });
    Some(Field {
        name: name.trim().to_owned(),
        named_type,
        required_arguments,
    })
}

#[test]
fn the_reader_finds_nodes_fields_and_unions() {
    let sdl = Sdl::checked_in();
    assert!(sdl.implementors("Node").contains("Goal"));
    let query = sdl.fields("Query");
    let node = query.iter().find(|f| f.name == "node").expect("node");
    assert_eq!(node.named_type, "Node");
    assert!(node.required_arguments);
    let instrument = query
        .iter()
        .find(|f| f.name == "feedbackInstrument")
        .expect("an argument list over several lines");
    assert_eq!(instrument.named_type, "FeedbackInstrument");
    let students = query
        .iter()
        .find(|f| f.name == "students")
        .expect("students");
    assert!(!students.required_arguments);
    assert!(sdl.reachable_from("Alliance").contains("Reflection"));
    assert!(sdl.reachable_from("TimelineEvent").contains("PhaseChange"));
}
