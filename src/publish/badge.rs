//! The statuses derived on the build date, and how they look.

use super::*;

/// A status derived on the build date. Code compares the variants; the
/// label (shown, and written to the open data as 状态) and the look are
/// said here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Badge {
    /// A hazard signed off (销号) on or before the build date.
    SignedOff,
    /// A hazard not signed off and past its 整改时限.
    Overdue,
    /// A hazard under listed supervision.
    Supervised,
    /// A clue assigned, not answered, past its 反馈期限.
    FeedbackOverdue,
    Answered,
    InHand,
    /// A clue not assigned yet.
    Received,
    /// A blacklist entry on the list.
    Listed,
    /// A blacklist entry removed (or expired).
    Removed,
}

impl Badge {
    pub fn label(self) -> &'static str {
        match self {
            Badge::SignedOff => "已销号",
            Badge::Overdue => "已逾期",
            Badge::Supervised => "督办中",
            Badge::FeedbackOverdue => "超期未反馈",
            Badge::Answered => "已反馈",
            Badge::InHand => "办理中",
            Badge::Received => "待交办",
            Badge::Listed => "在列",
            Badge::Removed => "已移出",
        }
    }

    /// How it looks: ok | warn | danger | muted.
    pub fn class(self) -> &'static str {
        match self {
            Badge::SignedOff | Badge::Answered => "ok",
            Badge::Supervised | Badge::InHand => "warn",
            Badge::Overdue | Badge::FeedbackOverdue | Badge::Listed => "danger",
            Badge::Received | Badge::Removed => "muted",
        }
    }
}

/// Templates and the page cache see `{label, class}`.
impl Serialize for Badge {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Badge", 2)?;
        st.serialize_field("label", self.label())?;
        st.serialize_field("class", self.class())?;
        st.end()
    }
}
