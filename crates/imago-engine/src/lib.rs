//! The network and disk side of imago (being written).
