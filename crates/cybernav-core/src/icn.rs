//! Illinois Century Network (ICN) circuits (Part 213.20): each election authority's
//! connection to the state network, its status and the protections DoIT provides on it.

use serde::{Deserialize, Serialize};

/// Where an authority's ICN circuit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitStatus {
    /// Agreed in principle; nothing ordered.
    Planned,
    /// Ordered from DoIT.
    Ordered,
    /// Installed, not yet carrying traffic to the Board.
    Installed,
    /// Connected: the authority reaches the Board's database over the ICN (213.50(a)(1)).
    Connected,
    /// Was connected, no longer is.
    Disconnected,
}

impl CircuitStatus {
    /// Every status, in the order a circuit usually goes through them.
    pub const ALL: [CircuitStatus; 5] = [
        CircuitStatus::Planned,
        CircuitStatus::Ordered,
        CircuitStatus::Installed,
        CircuitStatus::Connected,
        CircuitStatus::Disconnected,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitStatus::Planned => "planned",
            CircuitStatus::Ordered => "ordered",
            CircuitStatus::Installed => "installed",
            CircuitStatus::Connected => "connected",
            CircuitStatus::Disconnected => "disconnected",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            CircuitStatus::Planned => "Planned",
            CircuitStatus::Ordered => "Ordered",
            CircuitStatus::Installed => "Installed",
            CircuitStatus::Connected => "Connected",
            CircuitStatus::Disconnected => "Disconnected",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, String> {
        CircuitStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown status '{}'; expected one of planned, ordered, installed, connected, disconnected",
                    s.trim()
                )
            })
    }
}

/// The protective services 213.20(d) asks DoIT to provide on each connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// A firewall protecting the authority's connection (213.20(d)(1)).
    Firewall,
    /// Protection against distributed denial of service.
    Ddos,
    /// Monitoring by a security operations centre around the clock.
    Soc,
    /// An intrusion-detection sensor (Albert or comparable).
    IntrusionDetection,
}

impl Protection {
    /// Every protection.
    pub const ALL: [Protection; 4] = [
        Protection::Firewall,
        Protection::Ddos,
        Protection::Soc,
        Protection::IntrusionDetection,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Protection::Firewall => "firewall",
            Protection::Ddos => "ddos",
            Protection::Soc => "soc",
            Protection::IntrusionDetection => "intrusion_detection",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Protection::Firewall => "Firewall",
            Protection::Ddos => "DDoS protection",
            Protection::Soc => "24/7 SOC monitoring",
            Protection::IntrusionDetection => "Intrusion-detection sensor",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in CircuitStatus::ALL {
            assert_eq!(CircuitStatus::parse(s.as_str()), Ok(s));
        }
        assert!(
            CircuitStatus::parse("live")
                .unwrap_err()
                .contains("connected")
        );
    }
}
