//! The coded values of a client record (kind, gender, ID type, risk level, tier, status),
//! dates and the length limits of its fields.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::client::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(t))
                    .ok_or_else(|| $crate::domain::client::UnknownCode {
                        what: $what,
                        value: s.to_string(),
                        expected: $expected,
                    })
            }
        }
    };
}

// The product codes (domain::product) are defined the same way.
pub(crate) use coded_enum;

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

coded_enum! {
    /// Whether the client agreed to marketing (personal-information rules): only a
    /// "yes" makes a client a campaign target or a line of a contact-list export.
    Consent, "marketing consent", "yes, no or unknown" {
        /// Agreed to marketing contact.
        Yes => "yes", "consent.yes";
        /// Refused or withdrew consent.
        No => "no", "consent.no";
        /// Never asked (the default).
        Unknown => "unknown", "consent.unknown";
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
