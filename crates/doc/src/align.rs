use crate::Span;
use serde::{Deserialize, Serialize};

/// One run of derived text copied verbatim from the source: derived bytes
/// `[dst, dst+len)` equal source bytes `[src, src+len)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub dst: usize,
    pub src: usize,
    pub len: usize,
}

/// Maps offsets of a derived text back to offsets of the source text it was built
/// from. Derived bytes not covered by a segment were synthesised (for example the
/// paragraph separators rasd inserts between kept blocks) and map to the nearest
/// source position instead of to an exact byte.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    segments: Vec<Segment>,
}

impl Alignment {
    /// The identity alignment for a derived text equal to its source.
    pub fn identity(len: usize) -> Self {
        if len == 0 {
            return Alignment::default();
        }
        Alignment {
            segments: vec![Segment {
                dst: 0,
                src: 0,
                len,
            }],
        }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Builds an alignment from segments; they must be sorted by `dst`, not
    /// overlap, and have non-zero length.
    pub fn from_segments(segments: Vec<Segment>) -> Result<Self, String> {
        let mut prev_end = 0usize;
        for (i, s) in segments.iter().enumerate() {
            if s.len == 0 {
                return Err(format!("segment {i} is empty"));
            }
            if i > 0 && s.dst < prev_end {
                return Err(format!("segment {i} overlaps or is out of order"));
            }
            prev_end = s.dst + s.len;
        }
        Ok(Alignment { segments })
    }

    /// The source offset of derived offset `off`, if that byte was copied from the
    /// source (the end of a segment counts, so span ends map too).
    pub fn to_source(&self, off: usize) -> Option<usize> {
        let i = self.segments.partition_point(|s| s.dst + s.len < off);
        let s = self.segments.get(i)?;
        (s.dst <= off && off <= s.dst + s.len).then(|| s.src + (off - s.dst))
    }

    /// The source span covering derived span `span`: from the source position of
    /// its first copied byte to the source position after its last copied byte.
    /// `None` if no byte of the span came from the source.
    pub fn source_span(&self, span: Span) -> Option<Span> {
        let mut start = None;
        let mut end = None;
        for p in self.pieces(span) {
            start.get_or_insert(p.src);
            end = Some(p.src + p.len);
        }
        Some(Span::new(start?, end?))
    }

    /// The non-empty pieces of the segments that fall inside derived span
    /// `span`, in order, as segments of the same text.
    fn pieces(&self, span: Span) -> impl Iterator<Item = Segment> + '_ {
        let first = self
            .segments
            .partition_point(|s| s.dst + s.len <= span.start);
        self.segments[first..]
            .iter()
            .take_while(move |s| s.dst < span.end)
            .filter_map(move |s| {
                let a = span.start.max(s.dst);
                let b = span.end.min(s.dst + s.len);
                (a < b).then(|| Segment {
                    dst: a,
                    src: s.src + (a - s.dst),
                    len: b - a,
                })
            })
    }

    /// Chains two alignments: `self` maps text C to text B, `inner` maps B to
    /// text A; the result maps C straight to A. Bytes of C that were copied
    /// from synthesised bytes of B have no source in A.
    pub fn compose(&self, inner: &Alignment) -> Alignment {
        let mut out: Vec<Segment> = Vec::new();
        for s in &self.segments {
            let (b_start, b_end) = (s.src, s.src + s.len);
            let first = inner.segments.partition_point(|t| t.dst + t.len <= b_start);
            for t in &inner.segments[first..] {
                if t.dst >= b_end {
                    break;
                }
                let a = b_start.max(t.dst);
                let e = b_end.min(t.dst + t.len);
                if a >= e {
                    continue;
                }
                let seg = Segment {
                    dst: s.dst + (a - s.src),
                    src: t.src + (a - t.dst),
                    len: e - a,
                };
                match out.last_mut() {
                    Some(last)
                        if last.dst + last.len == seg.dst && last.src + last.len == seg.src =>
                    {
                        last.len += seg.len
                    }
                    _ => out.push(seg),
                }
            }
        }
        Alignment { segments: out }
    }

    /// The alignment of the derived text's sub-span `span`, taken as a text
    /// of its own (its offsets start at 0).
    pub fn slice(&self, span: Span) -> Alignment {
        Alignment {
            segments: self
                .pieces(span)
                .map(|p| Segment {
                    dst: p.dst - span.start,
                    ..p
                })
                .collect(),
        }
    }

    /// Total number of derived bytes copied from the source.
    pub fn copied_len(&self) -> usize {
        self.segments.iter().map(|s| s.len).sum()
    }
}

/// Builds a derived text from slices of a source text while recording the
/// alignment. Adjacent slices that are contiguous in the source merge into one
/// segment.
#[derive(Debug, Default)]
pub struct TextBuilder {
    text: String,
    segments: Vec<Segment>,
}

impl TextBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Appends `source[span]`, recording where it came from.
    pub fn push_source(&mut self, source: &str, span: Span) {
        if span.is_empty() {
            return;
        }
        let piece = span.slice(source);
        let dst = self.text.len();
        self.text.push_str(piece);
        if let Some(last) = self.segments.last_mut() {
            if last.dst + last.len == dst && last.src + last.len == span.start {
                last.len += span.len();
                return;
            }
        }
        self.segments.push(Segment {
            dst,
            src: span.start,
            len: span.len(),
        });
    }

    /// Appends text that has no source (a separator, a decoded entity).
    pub fn push_synthetic(&mut self, s: &str) {
        self.text.push_str(s);
    }

    pub fn finish(self) -> (String, Alignment) {
        (
            self.text,
            Alignment {
                segments: self.segments,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn builder_merges_contiguous_slices_and_maps_back() {
        let src = "عنوان\n\nالفقرة الأولى.\n\nاقرأ أيضاً\n\nالفقرة الثانية.";
        let p1 = src.find("الفقرة الأولى").unwrap();
        let p1e = p1 + "الفقرة الأولى.".len();
        let p2 = src.find("الفقرة الثانية").unwrap();
        let mut b = TextBuilder::new();
        b.push_source(src, Span::new(p1, p1 + 6));
        b.push_source(src, Span::new(p1 + 6, p1e));
        b.push_synthetic("\n\n");
        b.push_source(src, Span::new(p2, src.len()));
        let (text, al) = b.finish();
        assert_eq!(text, "الفقرة الأولى.\n\nالفقرة الثانية.");
        assert_eq!(al.segments().len(), 2, "contiguous pushes merge");
        let second = text.find("الثانية").unwrap();
        let span = Span::new(second, text.len());
        let s = al.source_span(span).unwrap();
        assert_eq!(s.slice(src), "الثانية.");
        // A span across the synthetic separator maps to a source range that
        // covers both ends.
        let whole = al.source_span(Span::new(0, text.len())).unwrap();
        assert_eq!(whole, Span::new(p1, src.len()));
        assert_eq!(al.to_source(0), Some(p1));
        assert_eq!(
            al.to_source(p1e - p1 + 1),
            None,
            "synthetic byte has no source"
        );
    }

    #[test]
    fn from_segments_rejects_overlap() {
        let bad = vec![
            Segment {
                dst: 0,
                src: 0,
                len: 4,
            },
            Segment {
                dst: 2,
                src: 9,
                len: 2,
            },
        ];
        assert!(Alignment::from_segments(bad).is_err());
        assert!(Alignment::from_segments(vec![Segment {
            dst: 0,
            src: 0,
            len: 0
        }])
        .is_err());
    }

    #[test]
    fn compose_chains_two_alignments() {
        let a = "<p>سطر أول</p><p>سطر ثان</p>";
        // B: the text of the two paragraphs, one per line.
        let mut bb = TextBuilder::new();
        let p1 = a.find("سطر أول").unwrap();
        let p2 = a.find("سطر ثان").unwrap();
        bb.push_source(a, Span::new(p1, p1 + "سطر أول".len()));
        bb.push_synthetic("\n");
        bb.push_source(a, Span::new(p2, p2 + "سطر ثان".len()));
        let (b, ab) = bb.finish();
        // C: only the second line of B.
        let mut cb = TextBuilder::new();
        let q = b.find("سطر ثان").unwrap();
        cb.push_source(&b, Span::new(q - 1, b.len()));
        let (c, cb_al) = cb.finish();
        let ca = cb_al.compose(&ab);
        assert_eq!(c, "\nسطر ثان");
        let span = ca.source_span(Span::new(0, c.len())).unwrap();
        assert_eq!(
            span.slice(a),
            "سطر ثان",
            "the synthetic newline has no source in A"
        );
        assert_eq!(ca.to_source(1), Some(p2));
    }

    proptest! {
        // Keep random char-boundary pieces of a random string; every copied byte
        // of the result maps back to an equal byte of the source.
        #[test]
        fn copied_bytes_map_to_equal_source_bytes(src in "[\\u0600-\\u06ff a-z\\n.]{0,80}", cuts in proptest::collection::vec((0usize..100, 0usize..100, any::<bool>()), 0..8)) {
            let bounds: Vec<usize> = src.char_indices().map(|(i, _)| i).chain([src.len()]).collect();
            let mut b = TextBuilder::new();
            for (x, y, sep) in cuts {
                let a = bounds[x % bounds.len()];
                let e = bounds[y % bounds.len()];
                let (a, e) = (a.min(e), a.max(e));
                b.push_source(&src, Span::new(a, e));
                if sep { b.push_synthetic("\n"); }
            }
            let (text, al) = b.finish();
            for seg in al.segments() {
                prop_assert_eq!(&text.as_bytes()[seg.dst..seg.dst + seg.len], &src.as_bytes()[seg.src..seg.src + seg.len]);
            }
            for (i, _) in text.char_indices() {
                if let Some(s) = al.to_source(i) {
                    prop_assert!(src.is_char_boundary(s));
                }
            }
        }

        // A slice of the derived text keeps the alignment of its bytes: its
        // copied bytes equal the source's, and it maps each offset where the
        // whole text's alignment maps it.
        #[test]
        fn slices_keep_the_alignment(src in "[\\u0600-\\u06ff a-z\\n.]{0,80}", cuts in proptest::collection::vec((0usize..100, 0usize..100, any::<bool>()), 0..8), x in 0usize..200, y in 0usize..200) {
            let bounds: Vec<usize> = src.char_indices().map(|(i, _)| i).chain([src.len()]).collect();
            let mut b = TextBuilder::new();
            for (p, q, sep) in cuts {
                let a = bounds[p % bounds.len()];
                let e = bounds[q % bounds.len()];
                b.push_source(&src, Span::new(a.min(e), a.max(e)));
                if sep { b.push_synthetic("\n"); }
            }
            let (text, al) = b.finish();
            let tb: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let (a, e) = (tb[x % tb.len()], tb[y % tb.len()]);
            let span = Span::new(a.min(e), a.max(e));
            let part = &text[span.start..span.end];
            let sl = al.slice(span);
            for seg in sl.segments() {
                prop_assert!(seg.len > 0);
                prop_assert_eq!(&part.as_bytes()[seg.dst..seg.dst + seg.len], &src.as_bytes()[seg.src..seg.src + seg.len]);
            }
            prop_assert!(Alignment::from_segments(sl.segments().to_vec()).is_ok());
            for (i, _) in part.char_indices() {
                if al.to_source(span.start + i).is_some() && i > 0 {
                    prop_assert_eq!(sl.to_source(i), al.to_source(span.start + i));
                }
            }
        }
    }
}
