//! A client record as typed in a form or read from a CSV row, and its validation into a
//! [`ValidClient`] with every field error at once.
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::check::Check;
use super::codes::*;
use crate::domain::contact::{validate_email, validate_mobile};
use crate::domain::ids::{validate_resident_id, validate_uscc, IdError, ResidentId};
use crate::domain::money::{parse_amount, AmountError};
use crate::domain::user::validate_username;

/// Every field of a client exactly as typed in a form or read from a CSV row. Empty
/// strings mean "not given"; [`ClientInput::validate`] turns it into a [`ValidClient`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInput {
    /// Client number; empty to have one generated.
    pub client_no: String,
    /// `individual` or `corporate`.
    pub kind: String,
    /// Full name, or company name.
    pub name: String,
    /// `M`, `F` or empty.
    pub gender: String,
    /// `YYYY-MM-DD` or empty.
    pub birth_date: String,
    /// `resident_id`, `passport`, `other` or `uscc`.
    pub id_type: String,
    /// Number of the identity document.
    pub id_number: String,
    /// Mobile number.
    pub mobile: String,
    /// E-mail address.
    pub email: String,
    /// Postal address.
    pub address: String,
    /// Occupation, or industry of a corporate.
    pub occupation: String,
    /// `C1`–`C5` or empty.
    pub risk_level: String,
    /// `YYYY-MM-DD` of the risk assessment; required with a risk level.
    pub risk_assessed_on: String,
    /// `prospect` (the default when empty), `active`, `dormant` or `closed`.
    pub status: String,
    /// Username of the owning RM; empty for the acting RM.
    pub owner: String,
    /// Free notes, may span lines.
    pub notes: String,
    /// Marketing consent: `yes`, `no`, `unknown` or empty (unknown).
    pub marketing_consent: String,
    /// Where the client came from (referral, walk-in, campaign…).
    pub source: String,
    /// Contact person of a corporate.
    pub contact_person: String,
    /// Registered capital of a corporate, in yuan.
    pub registered_capital: String,
}

impl ClientInput {
    /// Names of all fields, as used in [`FieldError::field`] and as CSV column names.
    pub const FIELDS: [&'static str; 20] = [
        "client_no",
        "kind",
        "name",
        "gender",
        "birth_date",
        "id_type",
        "id_number",
        "mobile",
        "email",
        "address",
        "occupation",
        "risk_level",
        "risk_assessed_on",
        "status",
        "owner",
        "notes",
        "marketing_consent",
        "source",
        "contact_person",
        "registered_capital",
    ];

    /// The field named `name` (one of [`ClientInput::FIELDS`]).
    pub fn field(&self, name: &str) -> Option<&str> {
        let value = match name {
            "client_no" => &self.client_no,
            "kind" => &self.kind,
            "name" => &self.name,
            "gender" => &self.gender,
            "birth_date" => &self.birth_date,
            "id_type" => &self.id_type,
            "id_number" => &self.id_number,
            "mobile" => &self.mobile,
            "email" => &self.email,
            "address" => &self.address,
            "occupation" => &self.occupation,
            "risk_level" => &self.risk_level,
            "risk_assessed_on" => &self.risk_assessed_on,
            "status" => &self.status,
            "owner" => &self.owner,
            "notes" => &self.notes,
            "marketing_consent" => &self.marketing_consent,
            "source" => &self.source,
            "contact_person" => &self.contact_person,
            "registered_capital" => &self.registered_capital,
            _ => return None,
        };
        Some(value)
    }

    /// The field named `name` to write into (one of [`ClientInput::FIELDS`]).
    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        let value = match name {
            "client_no" => &mut self.client_no,
            "kind" => &mut self.kind,
            "name" => &mut self.name,
            "gender" => &mut self.gender,
            "birth_date" => &mut self.birth_date,
            "id_type" => &mut self.id_type,
            "id_number" => &mut self.id_number,
            "mobile" => &mut self.mobile,
            "email" => &mut self.email,
            "address" => &mut self.address,
            "occupation" => &mut self.occupation,
            "risk_level" => &mut self.risk_level,
            "risk_assessed_on" => &mut self.risk_assessed_on,
            "status" => &mut self.status,
            "owner" => &mut self.owner,
            "notes" => &mut self.notes,
            "marketing_consent" => &mut self.marketing_consent,
            "source" => &mut self.source,
            "contact_person" => &mut self.contact_person,
            "registered_capital" => &mut self.registered_capital,
            _ => return None,
        };
        Some(value)
    }

    /// Checks every field and returns the typed client, or every problem found (not only
    /// the first). `today` bounds birth and assessment dates.
    ///
    /// For a resident ID, an empty birth date or gender is taken from the number, and a
    /// given one must agree with it.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidClient, Vec<FieldError>> {
        let mut c = Check {
            errors: Vec::new(),
            today,
        };
        let client_no = c.text("client_no", &self.client_no, CLIENT_NO_MAX, false);
        if let Some(no) = &client_no {
            if !no.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
                c.fail("client_no", "err.client_no", "not letters, digits or '-'");
            }
        }
        let kind: Option<ClientKind> = c.code(
            "kind",
            &self.kind,
            true,
            ("err.kind", "not individual or corporate"),
        );
        let name = match crate::domain::text::check_name(&self.name) {
            Ok(n) => n.split_whitespace().collect::<Vec<_>>().join(" "),
            Err(_) if self.name.trim().is_empty() => {
                c.fail("name", "err.required", "empty");
                String::new()
            }
            Err(e) => {
                c.fail("name", e.key(), &e.to_string());
                String::new()
            }
        };
        let name = c.text("name", &name, NAME_MAX, false);
        let mut gender: Option<Gender> =
            c.code("gender", &self.gender, false, ("err.gender", "not M or F"));
        let mut birth_date = c.date("birth_date", &self.birth_date);
        if birth_date.is_some_and(|d| d.year() < 1900) {
            c.fail("birth_date", "err.birth.early", "before 1900");
        }

        let id_type: Option<IdType> = c.code(
            "id_type",
            &self.id_type,
            true,
            ("err.id_type", "not resident_id, passport, other or uscc"),
        );
        if let (Some(k), Some(t)) = (kind, id_type) {
            if !t.fits(k) {
                let what = match k {
                    ClientKind::Individual => "uscc is for corporates",
                    ClientKind::Corporate => "corporates need uscc",
                };
                c.fail("id_type", "err.id_type.kind", what);
            }
        }
        let mut id_number = None;
        if self.id_number.trim().is_empty() {
            c.fail("id_number", "err.required", "empty");
        } else if let Some(t) = id_type {
            match check_id_number(t, &self.id_number, today) {
                Ok((number, resident)) => {
                    id_number = Some(number);
                    if let Some(r) = resident {
                        gender = c.agree(
                            "gender",
                            gender,
                            &self.gender,
                            r.gender,
                            "err.gender.mismatch",
                        );
                        birth_date = c.agree(
                            "birth_date",
                            birth_date,
                            &self.birth_date,
                            r.birth_date,
                            "err.birth.mismatch",
                        );
                    }
                }
                Err(err) => c.errors.push(err),
            }
        }
        // Fields of the other kind of client must stay empty.
        let misplaced = match kind {
            Some(ClientKind::Corporate) => Some((
                [("gender", &self.gender), ("birth_date", &self.birth_date)],
                ("err.not_corporate", "not for a corporate"),
            )),
            Some(ClientKind::Individual) => Some((
                [
                    ("contact_person", &self.contact_person),
                    ("registered_capital", &self.registered_capital),
                ],
                ("err.corporate_only", "only for corporates"),
            )),
            None => None,
        };
        if let Some((fields, (key, what))) = misplaced {
            for (field, raw) in fields {
                if !raw.trim().is_empty() {
                    c.fail(field, key, what);
                }
            }
        }

        let mobile = c.parse("mobile", &self.mobile, validate_mobile, |e| {
            (e.key(), "not a mobile number")
        });
        let email = c.parse("email", &self.email, validate_email, |e| {
            (e.key(), "invalid")
        });
        let address = c.text("address", &self.address, ADDRESS_MAX, false);
        let occupation = c.text("occupation", &self.occupation, SHORT_TEXT_MAX, false);
        let risk_level: Option<RiskLevel> = c.code(
            "risk_level",
            &self.risk_level,
            false,
            ("err.risk_level", "not C1-C5"),
        );
        let risk_assessed_on = c.date("risk_assessed_on", &self.risk_assessed_on);
        match (
            self.risk_level.trim().is_empty(),
            self.risk_assessed_on.trim().is_empty(),
        ) {
            (false, true) if risk_level.is_some() => c.fail(
                "risk_assessed_on",
                "err.risk_date.required",
                "required with a risk level",
            ),
            (true, false) => c.fail(
                "risk_assessed_on",
                "err.risk_date.orphan",
                "given without a risk level",
            ),
            _ => {}
        }
        let status = if self.status.trim().is_empty() {
            Some(ClientStatus::Prospect)
        } else {
            c.code(
                "status",
                &self.status,
                false,
                ("err.status", "not prospect, active, dormant or closed"),
            )
        };
        let owner = c.parse(
            "owner",
            &self.owner,
            |o| validate_username(o).map(|()| o.to_string()),
            |_| ("err.owner", "not a username"),
        );
        let notes = c.text("notes", &self.notes, NOTES_MAX, true);
        let marketing_consent: Consent = c
            .code(
                "marketing_consent",
                &self.marketing_consent,
                false,
                ("consent.invalid", "not yes, no or unknown"),
            )
            .unwrap_or(Consent::Unknown);
        let source = c.text("source", &self.source, SHORT_TEXT_MAX, false);
        let contact_person = c.text(
            "contact_person",
            &self.contact_person,
            SHORT_TEXT_MAX,
            false,
        );
        let registered_capital = c.parse(
            "registered_capital",
            &self.registered_capital,
            parse_amount,
            |e| (e.key(), amount_reason(e)),
        );

        match (kind, name, id_type, id_number, status) {
            (Some(kind), Some(name), Some(id_type), Some(id_number), Some(status))
                if c.errors.is_empty() =>
            {
                Ok(ValidClient {
                    client_no,
                    kind,
                    name,
                    gender,
                    birth_date,
                    id_type,
                    id_number,
                    mobile,
                    email,
                    address,
                    occupation,
                    risk_level,
                    risk_assessed_on,
                    status,
                    owner,
                    notes,
                    marketing_consent,
                    source,
                    contact_person,
                    registered_capital,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// One problem with one field of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Name of the field (one of [`ClientInput::FIELDS`]).
    pub field: &'static str,
    /// Catalogue key of the message shown at the field.
    pub key: &'static str,
    /// Short English reason for logs and the command line, e.g. `email: invalid`.
    pub message: String,
}

impl FieldError {
    /// An error of `field` whose message is `"{field}: {what}"`.
    pub fn new(field: &'static str, key: &'static str, what: &str) -> FieldError {
        FieldError {
            field,
            key,
            message: format!("{field}: {what}"),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A client whose fields all passed [`ClientInput::validate`]: typed, trimmed and
/// normalised; `None` for an optional field left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidClient {
    /// Client number, if one was given.
    pub client_no: Option<String>,
    /// Individual or corporate.
    pub kind: ClientKind,
    /// Name, runs of white space collapsed to one space.
    pub name: String,
    /// Gender (from the resident ID when not given).
    pub gender: Option<Gender>,
    /// Birth date (from the resident ID when not given).
    pub birth_date: Option<NaiveDate>,
    /// Type of the identity document; fits `kind`.
    pub id_type: IdType,
    /// Number of the identity document, upper-cased.
    pub id_number: String,
    /// Mobile number.
    pub mobile: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Occupation, or industry of a corporate.
    pub occupation: Option<String>,
    /// Risk level; when present, so is `risk_assessed_on`.
    pub risk_level: Option<RiskLevel>,
    /// Date of the risk assessment, not in the future.
    pub risk_assessed_on: Option<NaiveDate>,
    /// Status (prospect when not given).
    pub status: ClientStatus,
    /// Username of the owning RM, if one was named.
    pub owner: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Marketing consent (unknown when not given).
    pub marketing_consent: Consent,
    /// Where the client came from.
    pub source: Option<String>,
    /// Contact person of a corporate.
    pub contact_person: Option<String>,
    /// Registered capital of a corporate.
    pub registered_capital: Option<Decimal>,
}

impl ValidClient {
    /// The client as form or CSV text again, e.g. to edit it or to export it.
    pub fn to_input(&self) -> ClientInput {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let day = |d: Option<NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        ClientInput {
            client_no: opt(&self.client_no),
            kind: self.kind.code().to_string(),
            name: self.name.clone(),
            gender: self
                .gender
                .map(|g| g.code().to_string())
                .unwrap_or_default(),
            birth_date: day(self.birth_date),
            id_type: self.id_type.code().to_string(),
            id_number: self.id_number.clone(),
            mobile: opt(&self.mobile),
            email: opt(&self.email),
            address: opt(&self.address),
            occupation: opt(&self.occupation),
            risk_level: self
                .risk_level
                .map(|r| r.code().to_string())
                .unwrap_or_default(),
            risk_assessed_on: day(self.risk_assessed_on),
            status: self.status.code().to_string(),
            owner: opt(&self.owner),
            notes: opt(&self.notes),
            marketing_consent: self.marketing_consent.code().to_string(),
            source: opt(&self.source),
            contact_person: opt(&self.contact_person),
            registered_capital: self
                .registered_capital
                .map(|c| c.to_string())
                .unwrap_or_default(),
        }
    }
}

/// Checks an identity number against its type; returns it normalised, with what a
/// resident ID tells about its holder.
fn check_id_number(
    id_type: IdType,
    raw: &str,
    today: NaiveDate,
) -> Result<(String, Option<ResidentId>), FieldError> {
    let id_error = |err: IdError| {
        let what = match (err, id_type) {
            (IdError::Length, _) => "not 18 characters",
            (IdError::Characters, IdType::Uscc) => "character not allowed in a credit code",
            (IdError::Characters, _) => "not 17 digits and a check character",
            (IdError::CheckDigit, _) => "check digit",
            (IdError::BirthDate, _) => "birth date inside is not a real date",
        };
        FieldError::new("id_number", err.key(), what)
    };
    match id_type {
        IdType::ResidentId => validate_resident_id(raw, today)
            .map(|r| (r.number.clone(), Some(r)))
            .map_err(id_error),
        IdType::Uscc => validate_uscc(raw).map(|c| (c, None)).map_err(id_error),
        IdType::Passport | IdType::Other => {
            let number = raw.trim().to_ascii_uppercase();
            if (5..=20).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                Ok((number, None))
            } else {
                Err(FieldError::new(
                    "id_number",
                    "err.id.format",
                    "not 5-20 letters or digits",
                ))
            }
        }
    }
}

/// Short reason for a refused registered capital.
fn amount_reason(err: AmountError) -> &'static str {
    match err {
        AmountError::Empty => "empty",
        AmountError::Negative => "negative",
        AmountError::Invalid => "not an amount",
        AmountError::Precision => "more than 2 decimals",
        AmountError::TooLarge => "too large",
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
