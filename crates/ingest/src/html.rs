//! HTML main-content extraction with offsets (work in progress).
