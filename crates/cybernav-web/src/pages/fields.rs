//! Form fields as templates draw them (`templates/fields.html`): label, hint, the error
//! message beside the field, and the value the person typed, so a form that failed comes back
//! exactly as it was sent, with every problem marked where it is.

use crate::pages::{FormError, error_for};

/// One choice in a select, or one box in a checkbox list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The submitted value.
    pub value: String,
    /// What the person reads.
    pub label: String,
    /// Whether it is selected (or checked).
    pub selected: bool,
}

impl Choice {
    /// A choice, selected when `value` equals `current`.
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        let selected = value == current;
        Choice {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// One form field: a text-like input, a select (when `choices` is not empty) or a textarea.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// The input's `id` and `name` (also the use case's field name, so errors find it).
    pub id: &'static str,
    /// The label.
    pub label: &'static str,
    /// Help shown under the label.
    pub hint: &'static str,
    /// The value to show.
    pub value: String,
    /// What is wrong with it, after a failed submission.
    pub error: Option<String>,
    /// `type` of an input (`text`, `email`, `tel`, `date`, …).
    pub input_type: &'static str,
    /// Marked as required (with `aria-required`, not the browser's own validation, so every
    /// problem is reported by the server at once).
    pub required: bool,
    /// `autocomplete` token, or empty.
    pub autocomplete: &'static str,
    /// `inputmode`, or empty.
    pub inputmode: &'static str,
    /// Options of a select.
    pub choices: Vec<Choice>,
    /// Suggestions offered while typing (a `datalist`).
    pub suggestions: Vec<String>,
}

impl Field {
    /// A text input.
    pub fn text(id: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field {
            id,
            label,
            value: value.into(),
            input_type: "text",
            ..Default::default()
        }
    }

    /// A select whose options are `choices` (the selected one follows `value`).
    pub fn select(
        id: &'static str,
        label: &'static str,
        value: &str,
        choices: Vec<(String, String)>,
    ) -> Self {
        let choices = choices
            .into_iter()
            .map(|(v, l)| Choice::new(v, l, value))
            .collect();
        Field {
            id,
            label,
            value: value.to_string(),
            input_type: "select",
            choices,
            ..Default::default()
        }
    }

    /// A multi-line text box.
    pub fn textarea(id: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Field {
            id,
            label,
            value: value.into(),
            input_type: "textarea",
            ..Default::default()
        }
    }

    /// Sets the input type (`email`, `tel`, `date`).
    pub fn kind(mut self, input_type: &'static str) -> Self {
        self.input_type = input_type;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }

    /// Marks the field required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the `autocomplete` token.
    pub fn autocomplete(mut self, token: &'static str) -> Self {
        self.autocomplete = token;
        self
    }

    /// Sets the `inputmode`.
    pub fn inputmode(mut self, mode: &'static str) -> Self {
        self.inputmode = mode;
        self
    }

    /// Offers suggestions while typing.
    pub fn suggest(mut self, suggestions: Vec<String>) -> Self {
        self.suggestions = suggestions;
        self
    }

    /// Takes this field's message from `errors`.
    pub fn with_error(mut self, errors: &[FormError]) -> Self {
        self.error = error_for(errors, self.id).map(str::to_string);
        self
    }

    /// True for a select.
    pub fn is_select(&self) -> bool {
        self.input_type == "select"
    }

    /// True for a textarea.
    pub fn is_textarea(&self) -> bool {
        self.input_type == "textarea"
    }

    /// The ids of the hint and error, for `aria-describedby`.
    pub fn described_by(&self) -> Option<String> {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The labels of `fields`, for [`crate::pages::form_errors`] (which links each problem in the
/// summary to its field by label).
pub fn labels(fields: &[Field]) -> Vec<(&'static str, &'static str)> {
    fields.iter().map(|f| (f.id, f.label)).collect()
}

/// The options of a select offering every value of an enum (`ALL`), in order: each value's
/// identifier and its label.
pub fn options<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (value(v).to_string(), label(v).to_string()))
        .collect()
}

/// Marks each of `fields` with its message from `errors`.
pub fn with_errors(fields: Vec<Field>, errors: &[FormError]) -> Vec<Field> {
    fields.into_iter().map(|f| f.with_error(errors)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_by_lists_hint_and_error() {
        let f = Field::text("name", "Name", "x");
        assert_eq!(f.described_by(), None);
        let errors = vec![FormError {
            field: "name".into(),
            label: "Name".into(),
            message: "is required".into(),
        }];
        let f = f.hint("Official name").with_error(&errors);
        assert_eq!(f.described_by().as_deref(), Some("name-hint name-error"));
        assert_eq!(f.error.as_deref(), Some("is required"));
    }

    #[test]
    fn select_marks_the_current_value() {
        let f = Field::select(
            "kind",
            "Kind",
            "b",
            vec![("a".into(), "A".into()), ("b".into(), "B".into())],
        );
        assert!(f.is_select());
        assert_eq!(f.choices.iter().filter(|c| c.selected).count(), 1);
        assert!(f.choices[1].selected);
    }
}
