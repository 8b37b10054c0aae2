//! Visits (call reports, 客户走访) and feedback (客户反馈): their coded values, the
//! checks of a visit as typed, and the feedback life cycle.//!
//! `report` holds the visit and its checks, `feedback` the feedback and its life cycle.

mod feedback;
mod report;

pub use feedback::{
    complaint_needs_attention, deadline_near, feedback_deadline, parse_satisfaction, FeedbackInput,
    FeedbackStatus, FeedbackUpdate, ValidFeedback, FEEDBACK_CHANNELS, FEEDBACK_KINDS, SEVERITIES,
};
pub use report::{product_codes, Channel, ValidVisit, VisitInput, RETURN_OUTCOMES};
