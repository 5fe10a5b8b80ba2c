//! Pixel work: decoding with limits, orientation, metadata stripping, thumbnails (being written).
