//! Clients: the value types of a client record, and the validation of a record as typed
//! in a form or read from a CSV row (product.md, "Clients" and "Client CSV format").
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use super::contact::{validate_email, validate_mobile};
use super::ids::{validate_resident_id, validate_uscc, IdError, ResidentId};
use super::money::{parse_amount, AmountError};
use super::user::validate_username;

/// A code that is not one of the codes of the type it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}' (expected {expected})")]
pub struct UnknownCode {
    /// What was being parsed, e.g. `risk level`.
    pub what: &'static str,
    /// The text that was given.
    pub value: String,
    /// The codes that would have been accepted, for the message.
    pub expected: &'static str,
}

/// Defines a closed set of stored codes: the enum, `ALL`, `code()`, `label_key()`,
/// `Display` (the code) and a case-insensitive `FromStr`.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, $expected:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order screens list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and written in CSV files.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Catalogue key of the name shown on screens.
            pub fn label_key(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(t))
                    .ok_or_else(|| UnknownCode {
                        what: $what,
                        value: s.to_string(),
                        expected: $expected,
                    })
            }
        }
    };
}

coded_enum! {
    /// A natural person or an organisation.
    ClientKind, "client kind", "individual or corporate" {
        /// A natural person.
        Individual => "individual", "client.kind.individual";
        /// A company or other organisation.
        Corporate => "corporate", "client.kind.corporate";
    }
}

coded_enum! {
    /// Gender of an individual, as on the resident ID card.
    Gender, "gender", "M or F" {
        /// Male.
        M => "M", "client.gender.m";
        /// Female.
        F => "F", "client.gender.f";
    }
}

coded_enum! {
    /// The kind of identity document whose number identifies the client.
    IdType, "ID type", "resident_id, passport, other or uscc" {
        /// Resident identity card of the mainland (居民身份证, GB 11643).
        ResidentId => "resident_id", "client.id_type.resident_id";
        /// Passport.
        Passport => "passport", "client.id_type.passport";
        /// Any other document (e.g. a travel permit for Hong Kong and Macao residents).
        Other => "other", "client.id_type.other";
        /// Unified social credit code of an organisation (GB 32100).
        Uscc => "uscc", "client.id_type.uscc";
    }
}

coded_enum! {
    /// Investor risk level from the suitability assessment (C1 most cautious).
    RiskLevel, "risk level", "C1, C2, C3, C4 or C5" {
        /// Conservative.
        C1 => "C1", "client.risk.c1";
        /// Cautious.
        C2 => "C2", "client.risk.c2";
        /// Balanced.
        C3 => "C3", "client.risk.c3";
        /// Growth.
        C4 => "C4", "client.risk.c4";
        /// Aggressive.
        C5 => "C5", "client.risk.c5";
    }
}

coded_enum! {
    /// Service tier following the client's AUM (普通 / 重点 / 核心).
    Tier, "tier", "general, key or core" {
        /// 普通: below the key threshold.
        General => "general", "client.tier.general";
        /// 重点: at least the key threshold.
        Key => "key", "client.tier.key";
        /// 核心: at least the core threshold.
        Core => "core", "client.tier.core";
    }
}

coded_enum! {
    /// Where the client stands in the relationship.
    ClientStatus, "status", "prospect, active, dormant or closed" {
        /// Not yet a customer.
        Prospect => "prospect", "client.status.prospect";
        /// A customer.
        Active => "active", "client.status.active";
        /// A customer without recent activity.
        Dormant => "dormant", "client.status.dormant";
        /// Archived; nothing is deleted.
        Closed => "closed", "client.status.closed";
    }
}

impl ClientKind {
    /// The ID types a client of this kind may have.
    pub fn id_types(self) -> &'static [IdType] {
        match self {
            ClientKind::Individual => &[IdType::ResidentId, IdType::Passport, IdType::Other],
            ClientKind::Corporate => &[IdType::Uscc],
        }
    }
}

impl IdType {
    /// Whether a client of `kind` may be identified by this type of document.
    pub fn fits(self, kind: ClientKind) -> bool {
        kind.id_types().contains(&self)
    }
}

impl RiskLevel {
    /// 1 for C1 up to 5 for C5: a product of risk Rn suits a client whose rank is ≥ n.
    pub fn rank(self) -> u8 {
        match self {
            RiskLevel::C1 => 1,
            RiskLevel::C2 => 2,
            RiskLevel::C3 => 3,
            RiskLevel::C4 => 4,
            RiskLevel::C5 => 5,
        }
    }
}

impl Tier {
    /// The tier an AUM earns: core from `core_min`, key from `key_min`, general below.
    pub fn from_aum(aum: Decimal, key_min: Decimal, core_min: Decimal) -> Tier {
        if aum >= core_min {
            Tier::Core
        } else if aum >= key_min {
            Tier::Key
        } else {
            Tier::General
        }
    }
}

/// How long a risk assessment stays valid.
pub const RISK_ASSESSMENT_MONTHS: u32 = 12;

/// The first day on which a risk assessment made on `assessed_on` is no longer valid.
pub fn risk_assessment_expires(assessed_on: NaiveDate) -> NaiveDate {
    assessed_on
        .checked_add_months(Months::new(RISK_ASSESSMENT_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a risk assessment made on `assessed_on` is still valid on `today`.
pub fn risk_assessment_current(assessed_on: NaiveDate, today: NaiveDate) -> bool {
    assessed_on <= today && today < risk_assessment_expires(assessed_on)
}

/// Parses a date written strictly as `YYYY-MM-DD` (ten characters, zero-padded) that
/// exists in the calendar.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::from_ymd_opt(
        s.get(0..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..10)?.parse().ok()?,
    )
}

/// Longest name accepted, in characters.
pub const NAME_MAX: usize = 100;
/// Longest address accepted, in characters.
pub const ADDRESS_MAX: usize = 200;
/// Longest occupation, source or contact person accepted, in characters.
pub const SHORT_TEXT_MAX: usize = 100;
/// Longest notes accepted, in characters.
pub const NOTES_MAX: usize = 2000;
/// Longest client number accepted, in characters.
pub const CLIENT_NO_MAX: usize = 32;

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
    /// Where the client came from (referral, walk-in, campaign…).
    pub source: String,
    /// Contact person of a corporate.
    pub contact_person: String,
    /// Registered capital of a corporate, in yuan.
    pub registered_capital: String,
}

impl ClientInput {
    /// Names of all fields, as used in [`FieldError::field`] and as CSV column names.
    pub const FIELDS: [&'static str; 19] = [
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
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            c.fail("name", "err.required", "empty");
        }
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
            source: opt(&self.source),
            contact_person: opt(&self.contact_person),
            registered_capital: self
                .registered_capital
                .map(|c| c.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The trimmed text, or `None` when it is empty.
fn nonempty(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// The errors found so far while validating one client.
struct Check {
    errors: Vec<FieldError>,
    today: NaiveDate,
}

impl Check {
    /// Records a problem.
    fn fail(&mut self, field: &'static str, key: &'static str, what: &str) {
        self.errors.push(FieldError::new(field, key, what));
    }

    /// A free-text field: trimmed, `None` when empty, at most `max` characters, no
    /// control characters (line breaks and tabs allowed when `multiline`). Control
    /// characters are refused because they could move the cursor or change colours on
    /// the terminal that shows them.
    fn text(
        &mut self,
        field: &'static str,
        raw: &str,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        let t = nonempty(raw)?;
        let mut ok = true;
        if t.chars().count() > max {
            self.fail(
                field,
                "err.too_long",
                &format!("longer than {max} characters"),
            );
            ok = false;
        }
        if t.chars()
            .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        {
            let what = if multiline {
                "control character"
            } else {
                "line break or control character"
            };
            self.fail(field, "err.control_chars", what);
            ok = false;
        }
        ok.then(|| t.to_string())
    }

    /// A code; `required` when it may not be left empty. An unknown code is reported
    /// with `key` and `what`.
    fn code<T: FromStr>(
        &mut self,
        field: &'static str,
        raw: &str,
        required: bool,
        (key, what): (&'static str, &str),
    ) -> Option<T> {
        let Some(t) = nonempty(raw) else {
            if required {
                self.fail(field, "err.required", "empty");
            }
            return None;
        };
        let parsed = t.parse().ok();
        if parsed.is_none() {
            self.fail(field, key, what);
        }
        parsed
    }

    /// An optional `YYYY-MM-DD` date that may not lie after today.
    fn date(&mut self, field: &'static str, raw: &str) -> Option<NaiveDate> {
        let t = nonempty(raw)?;
        match parse_date(t) {
            None => self.fail(field, "err.date", "not a date"),
            Some(d) if d > self.today => self.fail(field, "err.date.future", "in the future"),
            Some(d) => return Some(d),
        }
        None
    }

    /// An optional field checked by `check`; `reason` gives the key and the short reason
    /// of its error.
    fn parse<T, E>(
        &mut self,
        field: &'static str,
        raw: &str,
        check: impl FnOnce(&str) -> Result<T, E>,
        reason: impl FnOnce(E) -> (&'static str, &'static str),
    ) -> Option<T> {
        match check(nonempty(raw)?) {
            Ok(v) => Some(v),
            Err(e) => {
                let (key, what) = reason(e);
                self.fail(field, key, what);
                None
            }
        }
    }

    /// A field that a resident ID also tells: taken from the ID when left empty, an
    /// error (`key`) when given and different.
    fn agree<T: PartialEq>(
        &mut self,
        field: &'static str,
        given: Option<T>,
        raw: &str,
        from_id: T,
        key: &'static str,
    ) -> Option<T> {
        match given {
            None if raw.trim().is_empty() => Some(from_id),
            Some(g) if g != from_id => {
                self.fail(field, key, "does not match the ID number");
                Some(g)
            }
            other => other,
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
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// Sample line 5: a valid individual.
    fn individual() -> ClientInput {
        ClientInput {
            kind: "individual".into(),
            name: "罗华娜".into(),
            gender: "F".into(),
            birth_date: "1970-09-08".into(),
            id_type: "resident_id".into(),
            id_number: "110105197009087822".into(),
            mobile: "17555979711".into(),
            address: "广州市天河区34号".into(),
            occupation: "教师".into(),
            risk_level: "C3".into(),
            risk_assessed_on: "2026-10-13".into(),
            status: "dormant".into(),
            owner: "rm2".into(),
            ..ClientInput::default()
        }
    }

    /// Sample line 17: a valid corporate.
    fn corporate() -> ClientInput {
        ClientInput {
            kind: "corporate".into(),
            name: "杭州西湖茶业15号有限公司".into(),
            id_type: "uscc".into(),
            id_number: "91440106R3WQ4NLM86".into(),
            mobile: "14427316723".into(),
            email: "finance15@corp.example.cn".into(),
            occupation: "制造业".into(),
            risk_level: "C3".into(),
            risk_assessed_on: "2026-03-15".into(),
            status: "active".into(),
            contact_person: "王伟".into(),
            registered_capital: "5,000,000.00".into(),
            ..ClientInput::default()
        }
    }

    /// The messages of the errors of `input`, or an empty list when it is valid.
    fn messages(input: &ClientInput) -> Vec<String> {
        match input.validate(today()) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.message).collect(),
        }
    }

    #[test]
    fn codes_round_trip() {
        fn check<T: FromStr + Copy + PartialEq + fmt::Debug + fmt::Display>(all: &[T]) {
            for &v in all {
                assert_eq!(v.to_string().parse::<T>().ok(), Some(v));
                assert_eq!(
                    v.to_string().to_ascii_lowercase().parse::<T>().ok(),
                    Some(v)
                );
            }
            assert!("nonsense".parse::<T>().is_err());
            assert!("".parse::<T>().is_err());
        }
        check(ClientKind::ALL);
        check(Gender::ALL);
        check(IdType::ALL);
        check(RiskLevel::ALL);
        check(Tier::ALL);
        check(ClientStatus::ALL);
        assert_eq!(IdType::Uscc.code(), "uscc");
        assert_eq!(IdType::ResidentId.label_key(), "client.id_type.resident_id");
        assert_eq!(ClientKind::Individual.label_key(), "client.kind.individual");
        assert_eq!(" c4 ".parse::<RiskLevel>(), Ok(RiskLevel::C4));
        let err = "C9".parse::<RiskLevel>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown risk level 'C9' (expected C1, C2, C3, C4 or C5)"
        );
        assert_eq!(
            RiskLevel::ALL.iter().map(|r| r.rank()).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        assert!(RiskLevel::C2 < RiskLevel::C5);
    }

    #[test]
    fn id_types_fit_kinds() {
        assert!(IdType::ResidentId.fits(ClientKind::Individual));
        assert!(IdType::Passport.fits(ClientKind::Individual));
        assert!(IdType::Other.fits(ClientKind::Individual));
        assert!(!IdType::Uscc.fits(ClientKind::Individual));
        assert!(IdType::Uscc.fits(ClientKind::Corporate));
        assert!(!IdType::ResidentId.fits(ClientKind::Corporate));
    }

    #[test]
    fn tiers_follow_aum() {
        let key = Decimal::from(100_000);
        let core = Decimal::from(1_000_000);
        let tier = |s: &str| Tier::from_aum(s.parse().unwrap(), key, core);
        assert_eq!(tier("0"), Tier::General);
        assert_eq!(tier("99999.99"), Tier::General);
        assert_eq!(tier("100000"), Tier::Key);
        assert_eq!(tier("999999.99"), Tier::Key);
        assert_eq!(tier("1000000.00"), Tier::Core);
    }

    #[test]
    fn risk_assessments_last_twelve_months() {
        assert_eq!(
            risk_assessment_expires(day("2025-11-23")),
            day("2026-11-23")
        );
        assert_eq!(
            risk_assessment_expires(day("2024-02-29")),
            day("2025-02-28")
        );
        assert!(risk_assessment_current(day("2025-11-24"), today()));
        assert!(!risk_assessment_current(day("2025-11-23"), today()));
        assert!(risk_assessment_current(today(), today()));
        assert!(!risk_assessment_current(day("2026-11-24"), today()));
    }

    #[test]
    fn strict_dates() {
        assert_eq!(
            parse_date("2000-02-29"),
            NaiveDate::from_ymd_opt(2000, 2, 29)
        );
        for s in [
            "1985-02-30",
            "2001-02-29",
            "1985-2-3",
            "1985/02/03",
            "19850203",
            "1985-02-03T00:00",
            " 1985-02-03",
            "+1985-02-03",
            "1985-13-01",
            "",
            "１９８５-02-03",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn a_valid_individual() {
        let c = individual().validate(today()).unwrap();
        assert_eq!(c.kind, ClientKind::Individual);
        assert_eq!(c.name, "罗华娜");
        assert_eq!(c.gender, Some(Gender::F));
        assert_eq!(c.birth_date, Some(day("1970-09-08")));
        assert_eq!(c.id_type, IdType::ResidentId);
        assert_eq!(c.risk_level, Some(RiskLevel::C3));
        assert_eq!(c.risk_assessed_on, Some(day("2026-10-13")));
        assert_eq!(c.status, ClientStatus::Dormant);
        assert_eq!(c.owner.as_deref(), Some("rm2"));
        assert_eq!(c.email, None);
        assert_eq!(c.client_no, None);
        assert_eq!(c.notes, None);
        // Round trip through the text form.
        assert_eq!(c.to_input().validate(today()), Ok(c));
    }

    #[test]
    fn a_valid_corporate() {
        let c = corporate().validate(today()).unwrap();
        assert_eq!(c.kind, ClientKind::Corporate);
        assert_eq!(c.id_number, "91440106R3WQ4NLM86");
        assert_eq!(c.gender, None);
        assert_eq!(c.birth_date, None);
        assert_eq!(c.registered_capital, Some(Decimal::from(5_000_000)));
        assert_eq!(c.contact_person.as_deref(), Some("王伟"));
        assert_eq!(c.to_input().validate(today()), Ok(c));
    }

    #[test]
    fn gender_and_birth_date_come_from_the_resident_id() {
        let input = ClientInput {
            gender: String::new(),
            birth_date: " ".into(),
            id_number: "11010519700908782x".into(),
            ..individual()
        };
        // The check character of this number is 2, not X.
        assert_eq!(messages(&input), ["id_number: check digit"]);
        let input = ClientInput {
            gender: String::new(),
            birth_date: String::new(),
            id_number: " 32010219800821197x ".into(),
            ..individual()
        };
        let c = input.validate(today()).unwrap();
        assert_eq!(c.id_number, "32010219800821197X");
        assert_eq!(c.gender, Some(Gender::M));
        assert_eq!(c.birth_date, Some(day("1980-08-21")));
    }

    #[test]
    fn given_gender_and_birth_date_must_agree_with_the_resident_id() {
        let input = ClientInput {
            gender: "M".into(),
            birth_date: "1970-09-09".into(),
            ..individual()
        };
        assert_eq!(
            messages(&input),
            [
                "gender: does not match the ID number",
                "birth_date: does not match the ID number"
            ]
        );
        let errors = input.validate(today()).unwrap_err();
        assert_eq!(errors[0].key, "err.gender.mismatch");
        assert_eq!(errors[1].key, "err.birth.mismatch");
        assert_eq!(errors[1].field, "birth_date");
        // A birth date that is no date is reported as such, not as a mismatch.
        let input = ClientInput {
            birth_date: "1985-02-30".into(),
            ..individual()
        };
        assert_eq!(messages(&input), ["birth_date: not a date"]);
    }

    #[test]
    fn passports_take_what_is_given() {
        let input = ClientInput {
            name: "  John   Smith ".into(),
            gender: "m".into(),
            birth_date: "1980-01-02".into(),
            id_type: "passport".into(),
            id_number: "e12345678".into(),
            ..individual()
        };
        let c = input.validate(today()).unwrap();
        assert_eq!(c.name, "John Smith");
        assert_eq!(c.gender, Some(Gender::M));
        assert_eq!(c.id_number, "E12345678");
        let no_birth = ClientInput {
            birth_date: String::new(),
            gender: String::new(),
            ..input.clone()
        };
        let c = no_birth.validate(today()).unwrap();
        assert_eq!((c.gender, c.birth_date), (None, None));
        for bad in ["E123", "E1234567890123456789X", "E-1234567", "护照12345"] {
            let input = ClientInput {
                id_number: bad.into(),
                ..input.clone()
            };
            assert_eq!(
                messages(&input),
                ["id_number: not 5-20 letters or digits"],
                "{bad}"
            );
        }
    }

    #[test]
    fn every_error_is_reported() {
        let input = ClientInput {
            client_no: "C 1".into(),
            kind: "person".into(),
            name: "   ".into(),
            gender: "X".into(),
            birth_date: "1985/02/03".into(),
            id_type: "resident_id".into(),
            id_number: "110105198005058620".into(),
            mobile: "12345".into(),
            email: "someone@@example".into(),
            risk_level: "C9".into(),
            risk_assessed_on: "2027-01-01".into(),
            status: "gone".into(),
            owner: "张三".into(),
            notes: "ok\nmultiple lines".into(),
            address: "line\u{1b}[31m".into(),
            ..ClientInput::default()
        };
        assert_eq!(
            messages(&input),
            [
                "client_no: not letters, digits or '-'",
                "kind: not individual or corporate",
                "name: empty",
                "gender: not M or F",
                "birth_date: not a date",
                "id_number: check digit",
                "mobile: not a mobile number",
                "email: invalid",
                "address: line break or control character",
                "risk_level: not C1-C5",
                "risk_assessed_on: in the future",
                "status: not prospect, active, dormant or closed",
                "owner: not a username",
            ]
        );
    }

    #[test]
    fn required_fields() {
        let errors = ClientInput::default().validate(today()).unwrap_err();
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.field, e.key, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("kind", "err.required", "kind: empty"),
                ("name", "err.required", "name: empty"),
                ("id_type", "err.required", "id_type: empty"),
                ("id_number", "err.required", "id_number: empty"),
            ]
        );
    }

    #[test]
    fn id_type_must_fit_the_kind() {
        // Sample line 214: an individual with a credit code (and an impossible birth date).
        let input = ClientInput {
            name: "武汉光谷光电212号有限公司".into(),
            gender: String::new(),
            birth_date: "1985-02-30".into(),
            id_type: "uscc".into(),
            id_number: "91310104RD8WJM7U15".into(),
            ..individual()
        };
        assert_eq!(
            messages(&input),
            ["birth_date: not a date", "id_type: uscc is for corporates"]
        );
        let input = ClientInput {
            id_type: "resident_id".into(),
            id_number: "110105197009087822".into(),
            ..corporate()
        };
        assert_eq!(messages(&input), ["id_type: corporates need uscc"]);
        let input = ClientInput {
            id_number: "91440106R3WQ4NLM87".into(),
            ..corporate()
        };
        assert_eq!(messages(&input), ["id_number: check digit"]);
        let input = ClientInput {
            id_number: "91440106r3wq4nlm86".into(),
            ..corporate()
        };
        assert_eq!(
            input.validate(today()).unwrap().id_number,
            "91440106R3WQ4NLM86"
        );
    }

    #[test]
    fn fields_of_the_other_kind() {
        let input = ClientInput {
            gender: "M".into(),
            birth_date: "2000-01-01".into(),
            ..corporate()
        };
        assert_eq!(
            messages(&input),
            [
                "gender: not for a corporate",
                "birth_date: not for a corporate"
            ]
        );
        let input = ClientInput {
            contact_person: "张三".into(),
            registered_capital: "100".into(),
            ..individual()
        };
        assert_eq!(
            messages(&input),
            [
                "contact_person: only for corporates",
                "registered_capital: only for corporates"
            ]
        );
    }

    #[test]
    fn risk_level_needs_its_date() {
        let input = ClientInput {
            risk_assessed_on: String::new(),
            ..individual()
        };
        assert_eq!(
            messages(&input),
            ["risk_assessed_on: required with a risk level"]
        );
        let input = ClientInput {
            risk_level: String::new(),
            ..individual()
        };
        assert_eq!(
            messages(&input),
            ["risk_assessed_on: given without a risk level"]
        );
        let input = ClientInput {
            risk_level: String::new(),
            risk_assessed_on: String::new(),
            ..individual()
        };
        assert_eq!(input.validate(today()).unwrap().risk_level, None);
        let input = ClientInput {
            risk_assessed_on: "2026-11-23".into(),
            ..individual()
        };
        assert!(input.validate(today()).is_ok());
    }

    #[test]
    fn birth_dates_in_range() {
        let passport = ClientInput {
            gender: String::new(),
            id_type: "passport".into(),
            id_number: "E12345678".into(),
            ..individual()
        };
        for (birth, msg) in [
            ("1899-12-31", "birth_date: before 1900"),
            ("2026-11-24", "birth_date: in the future"),
        ] {
            let input = ClientInput {
                birth_date: birth.into(),
                ..passport.clone()
            };
            assert_eq!(messages(&input), [msg]);
        }
    }

    #[test]
    fn status_defaults_to_prospect() {
        let input = ClientInput {
            status: String::new(),
            ..individual()
        };
        assert_eq!(
            input.validate(today()).unwrap().status,
            ClientStatus::Prospect
        );
    }

    #[test]
    fn registered_capital() {
        for (raw, msg) in [
            ("-1", "registered_capital: negative"),
            ("1.001", "registered_capital: more than 2 decimals"),
            ("abc", "registered_capital: not an amount"),
        ] {
            let input = ClientInput {
                registered_capital: raw.into(),
                ..corporate()
            };
            assert_eq!(messages(&input), [msg]);
        }
    }

    #[test]
    fn lengths_and_control_characters() {
        let input = ClientInput {
            name: "名".repeat(NAME_MAX + 1),
            notes: "x".repeat(NOTES_MAX + 1),
            ..individual()
        };
        assert_eq!(
            messages(&input),
            [
                "name: longer than 100 characters",
                "notes: longer than 2000 characters"
            ]
        );
        let input = ClientInput {
            name: "张\u{7}三".into(),
            notes: "first line\r\nsecond\tline".into(),
            ..individual()
        };
        assert_eq!(messages(&input), ["name: line break or control character"]);
        // A line break in a name is white space and collapses.
        let input = ClientInput {
            name: "John\nSmith".into(),
            ..individual()
        };
        assert_eq!(input.validate(today()).unwrap().name, "John Smith");
    }

    #[test]
    fn field_access_by_name() {
        let mut input = ClientInput::default();
        for (i, name) in ClientInput::FIELDS.iter().enumerate() {
            *input.field_mut(name).unwrap() = format!("v{i}");
        }
        for (i, name) in ClientInput::FIELDS.iter().enumerate() {
            assert_eq!(input.field(name), Some(format!("v{i}").as_str()));
        }
        assert_eq!(input.field("nope"), None);
        assert!(input.field_mut("nope").is_none());
        assert_eq!(input.registered_capital, "v18");
    }
}
