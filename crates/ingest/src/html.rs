//! HTML main-content extraction with exact byte offsets.
//!
//! [`extract`] turns one HTML news page into the text of its main content (one
//! block per line), the page metadata, and an [`Alignment`] from every byte of
//! that text back to the HTML source. [`looks_like_html`] is a cheap content
//! sniffer.
//!
//! Everything is hand written and tolerant: the tokenizer accepts any `&str`,
//! and every pass over the document is linear in its size (no recursion, so
//! deeply nested input cannot overflow the stack; implied-end-tag searches are
//! bounded; unmatched end tags are rejected in O(1) by per-name counts of the
//! open elements).
//!
//! The pipeline:
//! 1. `Tokenizer`: text, start and end tags with quoted and unquoted
//!    attributes, comments, doctype and other bogus comments, CDATA sections,
//!    and the raw-text elements (`script`, `style`, `textarea`, `title`, ...).
//! 2. tree building: a simplified HTML tree builder (implied end tags for `p`,
//!    `li`, `dd`/`dt`, table rows and cells, headings, nested links; an end tag
//!    closes the nearest open element of its name and is ignored when there is
//!    none; `</body>` and `</html>` are ignored as browsers do).
//! 3. analysis: furniture is dropped and text statistics (length, commas,
//!    link text) are summed bottom-up. Dropped are: script, style, noscript,
//!    template, svg, iframe, button, select, nav, header, footer, aside,
//!    figure/figcaption (photo captions and credits), head and media; forms
//!    unless they wrap the page (ASP.NET); elements whose id/class words name
//!    navigation, menus, footers, sharing, social links, comments, sidebars,
//!    breadcrumbs, ads, promos, newsletters, cookies, popups, modals, banners,
//!    tags or captions (state classes such as `has-sidebar` or `menu-open`
//!    are ignored; `<article>`, `<main>` and `[itemprop=articleBody]` are
//!    never dropped by class); ARIA roles navigation, banner, contentinfo,
//!    complementary, search, dialog, ...; and hidden elements (`hidden`,
//!    `aria-hidden=true`, `display:none`, `visibility:hidden`).
//! 4. scoring in the manner of Mozilla Readability: every paragraph of at
//!    least 25 characters scores its ancestors; the best candidate is refined
//!    (a shared ancestor of several near-equal candidates, climbing while the
//!    parent scores better, semantic `[itemprop=articleBody]` / `<article>` /
//!    `<main>`, or Readability's sibling merging).
//! 5. emission: the chosen nodes' text in document order, whitespace runs
//!    collapsed, one block element per line, built with [`TextBuilder`] so
//!    text copied from the source is aligned and separators, collapsed
//!    whitespace and decoded character references are synthetic.

use std::collections::HashMap;

use rasd_doc::{Alignment, Span, TextBuilder};
use serde_json::Value;

/// The main content and metadata of one HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlPage {
    /// Main-content text: one block-level element per line; paragraphs separated by "\n" ; headings, list items, <br> also end lines.
    /// Whitespace runs inside a block collapse to one space; no leading/trailing spaces on a line.
    pub text: String,
    /// Maps byte offsets of `text` back to byte offsets of the HTML source string (text copied verbatim from the source has segments; separators, collapsed whitespace replacements and decoded character references are synthetic).
    pub alignment: Alignment,
    /// og:title, else the `<h1>` inside the content, else `<title>` with a trailing " - Site" / " | Site" removed.
    pub title: Option<String>,
    /// Raw string from meta article:published_time / og:published_time / itemprop=datePublished / `<time datetime>` / meta name=date|pubdate|publishdate (then JSON-LD datePublished); first found.
    pub published: Option<String>,
    /// link rel=canonical, else og:url.
    pub url: Option<String>,
    /// og:site_name.
    pub site_name: Option<String>,
    /// meta name=author / article:author / itemprop=author / rel=author text (then JSON-LD author).
    pub author: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// meta description / og:description.
    pub description: Option<String>,
}

/// Extracts the main content and the metadata of an HTML page.
pub fn extract(html: &str) -> HtmlPage {
    let doc = Doc::parse(html);
    let info = Info::analyze(&doc);
    let meta = Meta::collect(&doc, &info);
    let sel = select(&doc, &info);
    // Subtrees ignored when looking for the title heading: in the fallback
    // (the whole body) every dropped subtree, a site logo in the page
    // <header> included; inside a chosen container only the junk, so that an
    // article's own <header> is searched.
    let skip: &[bool] = if sel.fallback { &info.drop } else { &info.junk };
    let is_h1 = |id: usize| doc.tag(id) == Some(Tag::H1) && info.meta_text[id] > 0;
    let h1_in_roots = sel
        .roots
        .iter()
        .find_map(|&r| first_elem(&doc, &info, r, skip, is_h1));
    let scope = scope_root(&doc, &sel.roots);
    let h1 = h1_in_roots.or_else(|| {
        if sel.fallback {
            None
        } else {
            first_elem(&doc, &info, scope, &info.junk, is_h1)
        }
    });

    let site = meta.site_name.as_deref();
    let title = meta
        .og_title
        .as_deref()
        .map(|t| strip_site(t, site, false))
        .or_else(|| h1.map(|h| node_text(&doc, h, &info.junk)))
        .or_else(|| meta.title_tag.as_deref().map(|t| strip_site(t, site, true)))
        .filter(|t| !t.is_empty());

    // The headline is the title, not a line of the body: skip the first <h1>
    // of the content, and any h1/h2 that repeats the title (of the first few
    // headings of a plausible length, so that nested headings cannot make
    // this quadratic).
    let mut skip_nodes: Vec<usize> = h1_in_roots.into_iter().collect();
    if let Some(t) = &title {
        let t_len = t.chars().count();
        let mut tried = 0;
        for &r in &sel.roots {
            let mut i = r;
            while i <= info.end[r] && tried < 8 {
                if info.drop[i] {
                    i = info.end[i] + 1;
                    continue;
                }
                if matches!(doc.tag(i), Some(Tag::H1 | Tag::H2))
                    && info.text[i] > 0
                    && info.text[i] <= t_len + 8
                {
                    tried += 1;
                    if node_text(&doc, i, &info.drop) == *t {
                        skip_nodes.push(i);
                    }
                }
                i += 1;
            }
        }
    }
    let (text, alignment) = emit(&doc, &info, &sel.roots, &skip_nodes);

    let is_time =
        |id: usize| doc.tag(id) == Some(Tag::Time) && doc.attr_clean(id, "datetime").is_some();
    let time_in_scope = first_elem(&doc, &info, scope, &info.junk, is_time)
        .and_then(|t| doc.attr_clean(t, "datetime"));
    let [p_meta, p_itemprop, p_name, p_ld] = meta.published;
    let published = p_meta
        .or(p_itemprop)
        .or(time_in_scope)
        .or(meta.time_any)
        .or(p_name)
        .or(p_ld);
    let [a_meta, a_article, a_itemprop, a_rel, a_ld] = meta.author;
    let author = a_meta.or(a_article).or(a_itemprop).or(a_rel).or(a_ld);

    tracing::debug!(roots = ?sel.roots, fallback = sel.fallback, text_len = text.len(), "html: main content chosen");
    HtmlPage {
        text,
        alignment,
        title,
        published,
        url: meta.canonical.or(meta.og_url),
        site_name: meta.site_name,
        author,
        lang: meta.lang,
        description: meta.description.or(meta.og_description),
    }
}

/// Cheap content sniffing: true if `text` looks like an HTML document
/// (doctype/`<html>`/`<head>`/`<body>`, or a high density of common tags like
/// `<p>`, `<div>`, `<a>` at the start). Plain text that merely contains a '<'
/// is not HTML, nor is JSON or an XML feed.
pub fn looks_like_html(text: &str) -> bool {
    let b = text.as_bytes();
    let b = &b[..b.len().min(8192)];
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let t = &b[start..];
    if starts_with_ci(t, b"<!doctype html") {
        return true;
    }
    if matches!(t.first(), Some(b'{' | b'[')) {
        return false;
    }
    let starts_lt = t.first() == Some(&b'<');
    let xml = starts_with_ci(t, b"<?xml");
    let (mut strong, mut common) = (0usize, 0usize);
    let mut first_tag = None;
    let mut i = 0;
    while let Some(j) = find_byte(t, b'<', i) {
        i = j + 1;
        let mut k = j + 1;
        if t[k..].starts_with(b"!--") {
            common += 1;
            first_tag.get_or_insert(j);
            continue;
        }
        if t.get(k) == Some(&b'/') {
            k += 1;
        }
        let ns = k;
        while k < t.len() && t[k].is_ascii_alphanumeric() && k - ns <= 12 {
            k += 1;
        }
        if k == ns
            || !matches!(
                t.get(k),
                None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
            )
        {
            continue;
        }
        use Tag::*;
        match Tag::from_name(&t[ns..k]) {
            Html | Head | Body => strong += 1,
            P | Div | A | Span | Br | Li | Ul | Ol | H1 | H2 | H3 | H4 | H5 | H6 | Img | Table
            | Tr | Td | Meta | Link | Script | Style | Title | Article | Section | B | I
            | Strong | Em | Nav | Header | Footer | Main | Figure | Blockquote | Iframe | Form
            | Input | Hr | Noscript => {
                common += 1;
                first_tag.get_or_insert(j);
            }
            _ => {}
        }
    }
    if strong > 0 {
        return starts_lt || strong + common >= 3;
    }
    if xml {
        return false;
    }
    (starts_lt && common >= 2) || (common >= 6 && first_tag.is_some_and(|j| j < 1024))
}

// ---------------------------------------------------------------------------
// Tags

macro_rules! tags {
    ($($v:ident = $s:literal),* $(,)?) => {
        /// The element names the extractor knows; everything else is `Other`.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        enum Tag { Other, $($v),* }

        impl Tag {
            /// The tag for a name, ASCII case-insensitively.
            fn from_name(name: &[u8]) -> Tag {
                let mut buf = [0u8; 12];
                if name.len() > buf.len() {
                    return Tag::Other;
                }
                for (d, s) in buf.iter_mut().zip(name) {
                    *d = s.to_ascii_lowercase();
                }
                match &buf[..name.len()] {
                    $($s => Tag::$v,)*
                    _ => Tag::Other,
                }
            }
        }

        const TAG_COUNT: usize = [$(Tag::$v),*].len() + 1;
    };
}

tags! {
    A = b"a", Abbr = b"abbr", Address = b"address", Applet = b"applet", Area = b"area",
    Article = b"article", Aside = b"aside", Audio = b"audio", B = b"b", Base = b"base",
    Bdi = b"bdi", Bdo = b"bdo", Big = b"big", Blockquote = b"blockquote", Body = b"body",
    Br = b"br", Button = b"button", Canvas = b"canvas", Caption = b"caption", Center = b"center",
    Cite = b"cite", Code = b"code", Col = b"col", Colgroup = b"colgroup", Data = b"data",
    Datalist = b"datalist", Dd = b"dd", Del = b"del", Details = b"details", Dfn = b"dfn",
    Dialog = b"dialog", Dir = b"dir", Div = b"div", Dl = b"dl", Dt = b"dt", Em = b"em",
    Embed = b"embed", Fieldset = b"fieldset", Figcaption = b"figcaption", Figure = b"figure",
    Font = b"font", Footer = b"footer", Form = b"form", Frame = b"frame", Frameset = b"frameset",
    H1 = b"h1", H2 = b"h2", H3 = b"h3", H4 = b"h4", H5 = b"h5", H6 = b"h6", Head = b"head",
    Header = b"header", Hgroup = b"hgroup", Hr = b"hr", Html = b"html", I = b"i",
    Iframe = b"iframe", Img = b"img", Input = b"input", Ins = b"ins", Kbd = b"kbd",
    Label = b"label", Legend = b"legend", Li = b"li", Link = b"link", Main = b"main",
    Map = b"map", Mark = b"mark", Marquee = b"marquee", Math = b"math", Menu = b"menu",
    Meta = b"meta", Nav = b"nav", Noembed = b"noembed", Noframes = b"noframes",
    Noscript = b"noscript", Object = b"object", Ol = b"ol", Optgroup = b"optgroup",
    Option = b"option", Output = b"output", P = b"p", Param = b"param", Picture = b"picture",
    Pre = b"pre", Q = b"q", Rp = b"rp", Rt = b"rt", Ruby = b"ruby", S = b"s", Samp = b"samp",
    Script = b"script", Section = b"section", Select = b"select", Small = b"small",
    Source = b"source", Span = b"span", Strong = b"strong", Style = b"style", Sub = b"sub",
    Summary = b"summary", Sup = b"sup", Svg = b"svg", Table = b"table", Tbody = b"tbody",
    Td = b"td", Template = b"template", Textarea = b"textarea", Tfoot = b"tfoot", Th = b"th",
    Thead = b"thead", Time = b"time", Title = b"title", Tr = b"tr", Track = b"track", U = b"u",
    Ul = b"ul", Var = b"var", Video = b"video", Wbr = b"wbr", Xmp = b"xmp",
}

impl Tag {
    fn is_void(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Area | Base
                | Br
                | Col
                | Embed
                | Frame
                | Hr
                | Img
                | Input
                | Link
                | Meta
                | Param
                | Source
                | Track
                | Wbr
        )
    }

    /// Block-level: starts and ends a line of text.
    fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Body
                | Caption
                | Center
                | Dd
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | Frameset
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Head
                | Header
                | Hgroup
                | Hr
                | Html
                | Legend
                | Li
                | Main
                | Menu
                | Nav
                | Ol
                | Optgroup
                | Option
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Tbody
                | Tfoot
                | Thead
                | Tr
                | Ul
                | Xmp
        )
    }

    /// A start tag of this element closes an open `<p>`.
    fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Dd
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Li
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Ul
                | Xmp
        )
    }

    /// Elements an implied-end-tag search does not look past.
    fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Applet
                | Caption
                | Html
                | Table
                | Td
                | Th
                | Marquee
                | Object
                | Template
                | Button
                | Svg
                | Math
        )
    }

    fn is_heading(self) -> bool {
        use Tag::*;
        matches!(self, H1 | H2 | H3 | H4 | H5 | H6)
    }

    /// Raw-text and RCDATA elements: their content is not markup. The index
    /// keys the tokenizer's "no end tag after here" cache.
    fn raw_index(self) -> Option<usize> {
        use Tag::*;
        Some(match self {
            Script => 0,
            Style => 1,
            Xmp => 2,
            Textarea => 3,
            Title => 4,
            Iframe => 5,
            Noembed => 6,
            Noframes => 7,
            Noscript => 8,
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------
// Tokenizer

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

fn find_byte(b: &[u8], needle: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == needle)
        .map(|i| i + from)
}

fn starts_with_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// One attribute: byte ranges of its name and (possibly empty) raw value.
#[derive(Debug, Clone, Copy)]
struct Attr {
    name: (usize, usize),
    value: (usize, usize),
}

#[derive(Debug, Clone, Copy)]
enum Token {
    Text(usize, usize),
    Start {
        tag: Tag,
        name: (usize, usize),
        attrs: (usize, usize),
        self_closing: bool,
    },
    End {
        tag: Tag,
        name: (usize, usize),
    },
}

enum Markup {
    Token(Token),
    Skipped,
    Literal,
}

/// A tolerant HTML tokenizer over byte offsets. All token boundaries fall on
/// ASCII bytes (or the ends of the input), so they are char boundaries.
struct Tokenizer<'a> {
    b: &'a [u8],
    pos: usize,
    /// Where the raw text after a raw-text start tag ends (set by
    /// [`Tokenizer::enter_raw`]).
    raw_end: Option<usize>,
    /// Per raw-text element: a position from which no end tag follows.
    no_close: [usize; 9],
}

impl<'a> Tokenizer<'a> {
    fn new(src: &'a str) -> Self {
        Tokenizer {
            b: src.as_bytes(),
            pos: 0,
            raw_end: None,
            no_close: [usize::MAX; 9],
        }
    }

    /// The next token; attributes of start tags are appended to `attrs`.
    fn next(&mut self, attrs: &mut Vec<Attr>) -> Option<Token> {
        let b = self.b;
        let len = b.len();
        if let Some(q) = self.raw_end.take() {
            let start = self.pos;
            self.pos = q;
            if q > start {
                return Some(Token::Text(start, q));
            }
        }
        while self.pos < len {
            let start = self.pos;
            if b[start] != b'<' {
                let end = find_byte(b, b'<', start + 1).unwrap_or(len);
                self.pos = end;
                return Some(Token::Text(start, end));
            }
            match self.markup(attrs) {
                Markup::Token(t) => return Some(t),
                Markup::Skipped => {}
                Markup::Literal => {
                    let end = find_byte(b, b'<', start + 1).unwrap_or(len);
                    self.pos = end;
                    return Some(Token::Text(start, end));
                }
            }
        }
        None
    }

    /// Called by the tree builder after the start tag of a raw-text element
    /// `tag` named `src[ns..ne]`: the content up to its end tag becomes one
    /// text token. Script and style run to the end of the input like in a
    /// browser; the others (title, textarea, ...) without an end tag return
    /// false and their content is read as markup, so that one stray tag
    /// cannot swallow the page.
    fn enter_raw(&mut self, tag: Tag, ns: usize, ne: usize) -> bool {
        self.raw_end = match self.find_close(tag, ns, ne) {
            Some(q) => Some(q),
            None if matches!(tag, Tag::Script | Tag::Style | Tag::Xmp) => Some(self.b.len()),
            None => None,
        };
        self.raw_end.is_some()
    }

    /// The position of the `</name` that ends the raw text starting at `pos`.
    fn find_close(&mut self, tag: Tag, ns: usize, ne: usize) -> Option<usize> {
        let idx = tag.raw_index()?;
        if self.no_close[idx] <= self.pos {
            return None;
        }
        let b = self.b;
        let name = &b[ns..ne];
        let n = name.len();
        let mut i = self.pos;
        while let Some(j) = find_byte(b, b'<', i) {
            if b.get(j + 1) == Some(&b'/') {
                let k = j + 2;
                if k + n <= b.len()
                    && b[k..k + n].eq_ignore_ascii_case(name)
                    && (k + n == b.len() || is_ws(b[k + n]) || matches!(b[k + n], b'/' | b'>'))
                {
                    return Some(j);
                }
            }
            i = j + 1;
        }
        self.no_close[idx] = self.no_close[idx].min(self.pos);
        None
    }

    /// Markup at `pos` (a '<').
    fn markup(&mut self, attrs: &mut Vec<Attr>) -> Markup {
        let b = self.b;
        let p = self.pos;
        let len = b.len();
        let to_gt = |from: usize| find_byte(b, b'>', from).map_or(len, |i| i + 1);
        match b.get(p + 1).copied() {
            Some(c) if c.is_ascii_alphabetic() => self.tag(p + 1, false, attrs),
            Some(b'/') => match b.get(p + 2).copied() {
                Some(c) if c.is_ascii_alphabetic() => self.tag(p + 2, true, attrs),
                Some(b'>') => {
                    self.pos = p + 3;
                    Markup::Skipped
                }
                Some(_) => {
                    self.pos = to_gt(p + 2);
                    Markup::Skipped
                }
                None => Markup::Literal,
            },
            Some(b'!') => {
                let rest = &b[p + 2..];
                self.pos = if rest.starts_with(b"--") {
                    comment_end(b, p + 4)
                } else if rest.starts_with(b"[CDATA[") {
                    // Outside SVG/MathML a browser treats CDATA as a comment;
                    // its content is never page text.
                    let mut i = p + 9;
                    loop {
                        match find_byte(b, b']', i) {
                            Some(j) if b[j..].starts_with(b"]]>") => break j + 3,
                            Some(j) => i = j + 1,
                            None => break len,
                        }
                    }
                } else {
                    // <!DOCTYPE ...> and other bogus comments.
                    to_gt(p + 2)
                };
                Markup::Skipped
            }
            Some(b'?') => {
                self.pos = to_gt(p + 2);
                Markup::Skipped
            }
            _ => Markup::Literal,
        }
    }

    /// A start or end tag whose name starts at `name_start`.
    fn tag(&mut self, name_start: usize, is_end: bool, attrs: &mut Vec<Attr>) -> Markup {
        let b = self.b;
        let len = b.len();
        let mut i = name_start;
        while i < len && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = (name_start, i);
        let tag = Tag::from_name(&b[name_start..i]);
        let mark = attrs.len();
        let mut self_closing = false;
        // A tag cut off by the end of the input is dropped, as browsers do.
        let truncated = |this: &mut Self, attrs: &mut Vec<Attr>| {
            attrs.truncate(mark);
            this.pos = len;
            Markup::Skipped
        };
        loop {
            while i < len && is_ws(b[i]) {
                i += 1;
            }
            if i >= len {
                return truncated(self, attrs);
            }
            match b[i] {
                b'>' => {
                    i += 1;
                    break;
                }
                b'/' => {
                    if b.get(i + 1) == Some(&b'>') {
                        self_closing = true;
                        i += 2;
                        break;
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let ns = i;
            i += 1;
            while i < len && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let ne = i;
            while i < len && is_ws(b[i]) {
                i += 1;
            }
            let mut value = (i, i);
            if i < len && b[i] == b'=' {
                i += 1;
                while i < len && is_ws(b[i]) {
                    i += 1;
                }
                if i >= len {
                    return truncated(self, attrs);
                }
                match b[i] {
                    q @ (b'"' | b'\'') => match find_byte(b, q, i + 1) {
                        Some(e) => {
                            value = (i + 1, e);
                            i = e + 1;
                        }
                        None => return truncated(self, attrs),
                    },
                    b'>' => {}
                    _ => {
                        let vs = i;
                        while i < len && !is_ws(b[i]) && b[i] != b'>' {
                            i += 1;
                        }
                        value = (vs, i);
                    }
                }
            }
            if !is_end {
                attrs.push(Attr {
                    name: (ns, ne),
                    value,
                });
            }
        }
        self.pos = i;
        Markup::Token(if is_end {
            Token::End { tag, name }
        } else {
            Token::Start {
                tag,
                name,
                attrs: (mark, attrs.len()),
                self_closing,
            }
        })
    }
}

/// The end of a comment whose body starts at `s` (after `<!--`).
fn comment_end(b: &[u8], s: usize) -> usize {
    let rest = b.get(s..).unwrap_or_default();
    if rest.starts_with(b">") {
        return s + 1;
    }
    if rest.starts_with(b"->") {
        return s + 2;
    }
    let mut i = s;
    while let Some(k) = find_byte(b, b'-', i) {
        if b.get(k + 1) == Some(&b'-') {
            match b.get(k + 2) {
                Some(b'>') => return k + 3,
                Some(b'!') if b.get(k + 3) == Some(&b'>') => return k + 4,
                _ => {}
            }
        }
        i = k + 1;
    }
    b.len()
}

// ---------------------------------------------------------------------------
// Character references

/// Decodes the character reference at the start of `b` (which starts with
/// '&'): the character and the number of bytes consumed. Numeric references
/// need no ';'; named ones do, except the legacy few in text (`&amp`, `&nbsp`,
/// ...). Unknown names are not references.
fn decode_ref(b: &[u8], in_attr: bool) -> Option<(char, usize)> {
    match *b.get(1)? {
        b'#' => {
            let hex = matches!(b.get(2), Some(b'x' | b'X'));
            let (radix, start) = if hex { (16, 3) } else { (10, 2) };
            let mut i = start;
            let mut v: u32 = 0;
            while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
                v = v.saturating_mul(radix).saturating_add(d);
                i += 1;
            }
            if i == start {
                return None;
            }
            if b.get(i) == Some(&b';') {
                i += 1;
            }
            Some((numeric_char(v), i))
        }
        c if c.is_ascii_alphanumeric() => {
            let mut i = 1;
            while i < b.len() && i <= 32 && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let name = &b[1..i];
            if b.get(i) == Some(&b';') {
                return named_ref(name).map(|ch| (ch, i + 1));
            }
            if !in_attr
                && matches!(
                    name,
                    b"amp" | b"lt" | b"gt" | b"quot" | b"nbsp" | b"copy" | b"reg"
                )
            {
                return named_ref(name).map(|ch| (ch, i));
            }
            None
        }
        _ => None,
    }
}

/// A numeric reference's character, with the HTML fix-ups: NUL, surrogates
/// and out-of-range values become U+FFFD, C1 controls map as windows-1252.
fn numeric_char(v: u32) -> char {
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match v {
        0 => '\u{FFFD}',
        0x80..=0x9F => CP1252[(v - 0x80) as usize],
        _ => char::from_u32(v).unwrap_or('\u{FFFD}'),
    }
}

fn named_ref(name: &[u8]) -> Option<char> {
    Some(match name {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        b"nbsp" => '\u{a0}',
        b"mdash" => '—',
        b"ndash" => '–',
        b"hellip" => '…',
        b"laquo" => '«',
        b"raquo" => '»',
        b"lsaquo" => '‹',
        b"rsaquo" => '›',
        b"lsquo" => '‘',
        b"rsquo" => '’',
        b"sbquo" => '‚',
        b"ldquo" => '“',
        b"rdquo" => '”',
        b"bdquo" => '„',
        b"copy" => '©',
        b"reg" => '®',
        b"trade" => '™',
        b"zwnj" => '\u{200c}',
        b"zwj" => '\u{200d}',
        b"lrm" => '\u{200e}',
        b"rlm" => '\u{200f}',
        b"shy" => '\u{ad}',
        b"ensp" => '\u{2002}',
        b"emsp" => '\u{2003}',
        b"thinsp" => '\u{2009}',
        b"bull" => '•',
        b"middot" => '·',
        b"deg" => '°',
        b"times" => '×',
        b"divide" => '÷',
        b"plusmn" => '±',
        b"minus" => '−',
        b"prime" => '′',
        b"Prime" => '″',
        b"permil" => '‰',
        b"sect" => '§',
        b"para" => '¶',
        b"dagger" => '†',
        b"Dagger" => '‡',
        b"euro" => '€',
        b"pound" => '£',
        b"yen" => '¥',
        b"cent" => '¢',
        b"curren" => '¤',
        b"iexcl" => '¡',
        b"iquest" => '¿',
        b"frac12" => '½',
        b"frac14" => '¼',
        b"frac34" => '¾',
        b"sup1" => '¹',
        b"sup2" => '²',
        b"sup3" => '³',
        b"micro" => 'µ',
        b"larr" => '←',
        b"rarr" => '→',
        b"uarr" => '↑',
        b"darr" => '↓',
        b"agrave" => 'à',
        b"aacute" => 'á',
        b"acirc" => 'â',
        b"auml" => 'ä',
        b"ccedil" => 'ç',
        b"egrave" => 'è',
        b"eacute" => 'é',
        b"ecirc" => 'ê',
        b"euml" => 'ë',
        b"iacute" => 'í',
        b"icirc" => 'î',
        b"iuml" => 'ï',
        b"ntilde" => 'ñ',
        b"oacute" => 'ó',
        b"ocirc" => 'ô',
        b"ouml" => 'ö',
        b"uacute" => 'ú',
        b"ucirc" => 'û',
        b"uuml" => 'ü',
        b"szlig" => 'ß',
        b"Eacute" => 'É',
        b"Ccedil" => 'Ç',
        _ => return None,
    })
}

/// A piece of a text run, after character references are decoded.
#[derive(Debug, Clone, Copy)]
enum Piece {
    /// Source bytes copied verbatim (no whitespace, no references).
    Src(usize, usize),
    /// A run of whitespace in the source.
    Space(usize, usize),
    /// A decoded reference that is whitespace (`&nbsp;`, ...).
    SynSpace,
    /// A decoded reference.
    Char(char),
}

fn is_space_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Splits `src[start..end]` (char boundaries) into pieces.
fn pieces(src: &str, start: usize, end: usize, in_attr: bool, mut f: impl FnMut(Piece)) {
    let s = &src[start..end];
    let b = s.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i] == b'&' {
            if let Some((ch, n)) = decode_ref(&b[i..], in_attr) {
                if run < i {
                    f(Piece::Src(start + run, start + i));
                }
                f(if ch.is_whitespace() {
                    Piece::SynSpace
                } else {
                    Piece::Char(ch)
                });
                i += n;
                run = i;
            } else {
                i += 1;
            }
            continue;
        }
        let Some(ch) = s[i..].chars().next() else {
            break;
        };
        if is_space_char(ch) {
            if run < i {
                f(Piece::Src(start + run, start + i));
            }
            let ws = i;
            while let Some(c) = s[i..].chars().next().filter(|&c| is_space_char(c)) {
                i += c.len_utf8();
            }
            f(Piece::Space(start + ws, start + i));
            run = i;
            continue;
        }
        i += ch.len_utf8();
    }
    if run < b.len() {
        f(Piece::Src(start + run, start + b.len()));
    }
}

/// `s` with character references decoded (whitespace kept as is).
fn decode_str(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    pieces(s, 0, s.len(), in_attr, |p| match p {
        Piece::Src(a, b) | Piece::Space(a, b) => out.push_str(&s[a..b]),
        Piece::SynSpace => out.push(' '),
        Piece::Char(c) => out.push(c),
    });
    out
}

/// Whitespace runs collapsed to one space, trimmed.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(is_space_char).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | '،' | '؛')
}

/// Visible length in chars (a whitespace run counts one) and comma count.
fn text_stats(src: &str, s: usize, e: usize) -> (usize, usize) {
    let (mut chars, mut spaces, mut commas) = (0, 0, 0);
    pieces(src, s, e, false, |p| match p {
        Piece::Src(a, b) => {
            for c in src[a..b].chars() {
                chars += 1;
                commas += usize::from(is_comma(c));
            }
        }
        Piece::Space(..) | Piece::SynSpace => spaces += 1,
        Piece::Char(c) => {
            chars += 1;
            commas += usize::from(is_comma(c));
        }
    });
    (if chars > 0 { chars + spaces } else { 0 }, commas)
}

// ---------------------------------------------------------------------------
// Tree

const NONE: usize = usize::MAX;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Root,
    Text(usize, usize),
    Elem {
        tag: Tag,
        name: (usize, usize),
        attrs: (usize, usize),
    },
}

#[derive(Debug, Clone)]
struct Node {
    parent: usize,
    first_child: usize,
    last_child: usize,
    next: usize,
    kind: Kind,
}

/// The parsed document: nodes in document (pre-)order, so a subtree is the
/// contiguous id range `[id, end[id]]` and a parent's id is below its
/// children's.
struct Doc<'a> {
    src: &'a str,
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
}

impl<'a> Doc<'a> {
    fn parse(src: &'a str) -> Self {
        let root = Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            kind: Kind::Root,
        };
        let mut doc = Doc {
            src,
            nodes: vec![root],
            attrs: Vec::new(),
        };
        let mut b = Builder {
            stack: vec![0],
            counts: [0; TAG_COUNT],
            other: HashMap::new(),
        };
        let mut tok = Tokenizer::new(src);
        while let Some(t) = tok.next(&mut doc.attrs) {
            match t {
                Token::Text(s, e) => b.text(&mut doc, s, e),
                Token::Start {
                    tag,
                    name,
                    attrs,
                    self_closing,
                } => {
                    if let Some(id) = b.start(&mut doc, tag, name, attrs, self_closing) {
                        if !tok.enter_raw(tag, name.0, name.1) {
                            b.pop_to(&doc, id);
                        }
                    }
                }
                Token::End { tag, name } => b.end(&mut doc, tag, name),
            }
        }
        doc
    }

    fn append(&mut self, parent: usize, kind: Kind) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            parent,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            kind,
        });
        let last = self.nodes[parent].last_child;
        if last == NONE {
            self.nodes[parent].first_child = id;
        } else {
            self.nodes[last].next = id;
        }
        self.nodes[parent].last_child = id;
        id
    }

    fn tag(&self, id: usize) -> Option<Tag> {
        match self.nodes.get(id)?.kind {
            Kind::Elem { tag, .. } => Some(tag),
            _ => None,
        }
    }

    fn name_bytes(&self, id: usize) -> &[u8] {
        match self.nodes[id].kind {
            Kind::Elem { name, .. } => &self.src.as_bytes()[name.0..name.1],
            _ => b"",
        }
    }

    /// The raw value of the first attribute called `name` (ASCII lowercase).
    fn attr(&self, id: usize, name: &str) -> Option<&'a str> {
        let Kind::Elem { attrs: (a, b), .. } = self.nodes[id].kind else {
            return None;
        };
        let src: &'a str = self.src;
        self.attrs[a..b]
            .iter()
            .find(|at| src[at.name.0..at.name.1].eq_ignore_ascii_case(name))
            .map(|at| &src[at.value.0..at.value.1])
    }

    /// An attribute with references decoded and whitespace cleaned; `None` if
    /// absent or empty.
    fn attr_clean(&self, id: usize, name: &str) -> Option<String> {
        Some(clean(&decode_str(self.attr(id, name)?, true))).filter(|v| !v.is_empty())
    }

    /// Whether the whitespace-separated attribute `name` has the word `word`.
    fn attr_has_word(&self, id: usize, name: &str, word: &str) -> bool {
        self.attr(id, name).is_some_and(|v| {
            v.split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case(word))
        })
    }

    fn is_article_body(&self, id: usize) -> bool {
        self.attr_has_word(id, "itemprop", "articleBody")
    }

    fn is_article(&self, id: usize) -> bool {
        self.tag(id) == Some(Tag::Article) || self.attr_has_word(id, "role", "article")
    }

    fn is_main(&self, id: usize) -> bool {
        self.tag(id) == Some(Tag::Main) || self.attr_has_word(id, "role", "main")
    }

    /// The root itself, `<html>` or `<body>`: where climbing stops.
    fn is_root_like(&self, id: usize) -> bool {
        id == 0 || matches!(self.tag(id), Some(Tag::Html | Tag::Body))
    }

    fn parent(&self, id: usize) -> usize {
        self.nodes[id].parent
    }
}

/// The open-elements stack of the tree builder, with per-name counts so that
/// an end tag with no open element is rejected in O(1).
struct Builder {
    stack: Vec<usize>,
    counts: [usize; TAG_COUNT],
    other: HashMap<Vec<u8>, usize>,
}

impl Builder {
    fn cur(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn count(&self, tag: Tag) -> usize {
        self.counts[tag as usize]
    }

    fn push(&mut self, doc: &Doc, id: usize, tag: Tag) {
        self.stack.push(id);
        self.counts[tag as usize] += 1;
        if tag == Tag::Other {
            *self
                .other
                .entry(doc.name_bytes(id).to_ascii_lowercase())
                .or_insert(0) += 1;
        }
    }

    fn pop(&mut self, doc: &Doc) -> Option<usize> {
        if self.stack.len() <= 1 {
            return None;
        }
        let id = self.stack.pop()?;
        if let Some(tag) = doc.tag(id) {
            let c = &mut self.counts[tag as usize];
            *c = c.saturating_sub(1);
            if tag == Tag::Other {
                if let Some(c) = self.other.get_mut(&doc.name_bytes(id).to_ascii_lowercase()) {
                    *c = c.saturating_sub(1);
                }
            }
        }
        Some(id)
    }

    /// Pops up to and including `id`.
    fn pop_to(&mut self, doc: &Doc, id: usize) {
        while let Some(n) = self.pop(doc) {
            if n == id {
                break;
            }
        }
    }

    /// Looks down the stack (at most `limit` entries) for an element that
    /// `target` accepts, not past one that `stop` accepts, and closes it.
    fn close_within(
        &mut self,
        doc: &Doc,
        target: impl Fn(Tag) -> bool,
        stop: impl Fn(Tag) -> bool,
        limit: usize,
    ) {
        let found = self
            .stack
            .iter()
            .rev()
            .take(limit)
            .take_while(|&&n| n != 0)
            .find_map(|&n| {
                let t = doc.tag(n).unwrap_or(Tag::Other);
                if target(t) {
                    Some(Some(n))
                } else if stop(t) {
                    Some(None)
                } else {
                    None
                }
            });
        if let Some(Some(n)) = found {
            self.pop_to(doc, n);
        }
    }

    fn text(&mut self, doc: &mut Doc, s: usize, e: usize) {
        if doc.tag(self.cur()) == Some(Tag::Head)
            && !doc.src.as_bytes()[s..e].iter().all(|&c| is_ws(c))
        {
            self.pop(doc);
        }
        let cur = self.cur();
        let last = doc.nodes[cur].last_child;
        if last != NONE {
            if let Kind::Text(ls, le) = doc.nodes[last].kind {
                if le == s {
                    doc.nodes[last].kind = Kind::Text(ls, e);
                    return;
                }
            }
        }
        doc.append(cur, Kind::Text(s, e));
    }

    /// Handles a start tag; returns the new element if it is an open raw-text
    /// element.
    fn start(
        &mut self,
        doc: &mut Doc,
        tag: Tag,
        name: (usize, usize),
        attrs: (usize, usize),
        self_closing: bool,
    ) -> Option<usize> {
        use Tag::*;
        if matches!(tag, Html | Body | Head) && self.count(tag) > 0 {
            return None;
        }
        if doc.tag(self.cur()) == Some(Head)
            && !matches!(
                tag,
                Meta | Link | Title | Script | Style | Base | Noscript | Template
            )
        {
            self.pop(doc);
        }
        const LIMIT: usize = 32;
        if tag.closes_p() && self.count(P) > 0 {
            self.close_within(doc, |t| t == P, Tag::is_scope_boundary, LIMIT);
        }
        match tag {
            Li if self.count(Li) > 0 => self.close_within(
                doc,
                |t| t == Li,
                |t| matches!(t, Ul | Ol | Menu | Dir) || t.is_scope_boundary(),
                LIMIT,
            ),
            Dd | Dt if self.count(Dd) + self.count(Dt) > 0 => self.close_within(
                doc,
                |t| matches!(t, Dd | Dt),
                |t| t == Dl || t.is_scope_boundary(),
                LIMIT,
            ),
            Tr if self.count(Tr) > 0 => self.close_within(
                doc,
                |t| t == Tr,
                |t| matches!(t, Table | Tbody | Thead | Tfoot | Html),
                LIMIT,
            ),
            Td | Th if self.count(Td) + self.count(Th) > 0 => self.close_within(
                doc,
                |t| matches!(t, Td | Th),
                |t| matches!(t, Tr | Table | Html),
                LIMIT,
            ),
            Tbody | Thead | Tfoot => self.close_within(
                doc,
                |t| matches!(t, Tbody | Thead | Tfoot),
                |t| matches!(t, Table | Html),
                LIMIT,
            ),
            Option | Optgroup => self.close_within(doc, |t| t == Option, |_| true, 1),
            H1 | H2 | H3 | H4 | H5 | H6 if doc.tag(self.cur()).is_some_and(Tag::is_heading) => {
                self.pop(doc);
            }
            A if self.count(A) > 0 => self.close_within(
                doc,
                |t| t == A,
                |t| t.is_block() || t.is_scope_boundary(),
                LIMIT,
            ),
            _ => {}
        }
        let foreign = self.count(Svg) + self.count(Math) > 0;
        let id = doc.append(self.cur(), Kind::Elem { tag, name, attrs });
        if tag.is_void() || (self_closing && (foreign || matches!(tag, Svg | Math))) {
            return None;
        }
        self.push(doc, id, tag);
        (!foreign && tag.raw_index().is_some()).then_some(id)
    }

    fn end(&mut self, doc: &mut Doc, tag: Tag, name: (usize, usize)) {
        match tag {
            // Content after </body> or </html> still belongs to the body.
            Tag::Body | Tag::Html => return,
            Tag::Br => {
                doc.append(
                    self.cur(),
                    Kind::Elem {
                        tag,
                        name,
                        attrs: (0, 0),
                    },
                );
                return;
            }
            Tag::P if self.count(Tag::P) == 0 => {
                doc.append(
                    self.cur(),
                    Kind::Elem {
                        tag,
                        name,
                        attrs: (0, 0),
                    },
                );
                return;
            }
            _ => {}
        }
        let name_b = &doc.src.as_bytes()[name.0..name.1];
        let open = if tag == Tag::Other {
            self.other
                .get(&name_b.to_ascii_lowercase())
                .copied()
                .unwrap_or(0)
        } else {
            self.count(tag)
        };
        if open == 0 {
            return;
        }
        while let Some(n) = self.pop(doc) {
            if doc.tag(n) == Some(tag)
                && (tag != Tag::Other || doc.name_bytes(n).eq_ignore_ascii_case(name_b))
            {
                break;
            }
        }
    }
}

/// Visits the subtree of `root` in document order without recursion:
/// `visit(id, true)` on entering (return whether to descend),
/// `visit(id, false)` on leaving a node that was descended into.
fn walk(doc: &Doc, root: usize, mut visit: impl FnMut(usize, bool) -> bool) {
    if !visit(root, true) {
        return;
    }
    let mut cur = doc.nodes[root].first_child;
    while cur != NONE {
        let c = cur;
        if visit(c, true) {
            let fc = doc.nodes[c].first_child;
            if fc != NONE {
                cur = fc;
                continue;
            }
            visit(c, false);
        }
        let mut n = c;
        loop {
            let s = doc.nodes[n].next;
            if s != NONE {
                cur = s;
                break;
            }
            let p = doc.nodes[n].parent;
            if p == root || p == NONE {
                cur = NONE;
                break;
            }
            visit(p, false);
            n = p;
        }
    }
    visit(root, false);
}

/// The first node in the subtree of `root` (document order) that `pred`
/// accepts, not looking into subtrees (below `root`) that `skip` marks.
fn first_elem(
    doc: &Doc,
    info: &Info,
    root: usize,
    skip: &[bool],
    pred: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut i = root;
    while i <= info.end[root] {
        if i != root && skip[i] {
            i = info.end[i] + 1;
            continue;
        }
        if doc.tag(i).is_some() && pred(i) {
            return Some(i);
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------
// Furniture and statistics

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drop {
    Keep,
    /// Not content, but may hold metadata of the article (its `<header>`
    /// with the headline and date, `<head>`, scripts).
    Soft,
    /// Page furniture and hidden elements: neither content nor metadata.
    Hard,
}

/// Class/id words of page furniture that are dropped whatever else the
/// element says.
fn strong_negative(w: &str) -> bool {
    matches!(
        w,
        "ad" | "ads"
            | "adv"
            | "advs"
            | "comment"
            | "comments"
            | "commentlist"
            | "commentform"
            | "commenting"
            | "share"
            | "shares"
            | "sharing"
            | "social"
            | "socials"
            | "footer"
            | "copyright"
            | "caption"
            | "credit"
            | "credits"
            | "tags"
            | "keywords"
            | "gdpr"
            | "disqus"
    ) || [
        "advert",
        "sharethis",
        "sharebar",
        "social",
        "newsletter",
        "cookie",
        "popup",
        "breadcrumb",
        "sponsor",
        "promo",
    ]
    .iter()
    .chain(&["outbrain", "taboola", "subscri", "footer", "sharebutton"])
    .any(|p| w.starts_with(p))
}

/// Class/id words of furniture that a content word on the same element
/// overrides (`main-menu` no, but `has-sidebar` is filtered earlier anyway).
fn weak_negative(w: &str) -> bool {
    matches!(
        w,
        "nav" | "navbar" | "menu" | "menus" | "masthead" | "toolbar"
    ) || ["navig", "menu", "sidebar", "modal", "banner", "widget"]
        .iter()
        .any(|p| w.starts_with(p))
}

/// Other class/id words that lower a candidate's score (Readability's
/// negative list).
fn mild_negative(w: &str) -> bool {
    matches!(
        w,
        "related"
            | "meta"
            | "media"
            | "contact"
            | "footnote"
            | "scroll"
            | "shopping"
            | "short"
            | "tool"
            | "tools"
    )
}

fn positive_word(w: &str) -> bool {
    matches!(
        w,
        "article"
            | "articlebody"
            | "body"
            | "content"
            | "entry"
            | "hentry"
            | "main"
            | "post"
            | "story"
            | "text"
            | "blog"
            | "page"
            | "detail"
            | "details"
    )
}

/// Class tokens that describe a state or a layout variant, not what the
/// element is: `has-sidebar`, `menu-open`, `is-sticky`.
fn is_state_class(token: &str) -> bool {
    let b = token.as_bytes();
    ["has-", "with-", "without-", "no-", "is-", "not-"]
        .iter()
        .any(|p| starts_with_ci(b, p.as_bytes()))
        || [
            "-open",
            "-opened",
            "-active",
            "-visible",
            "-enabled",
            "-shown",
            "-expanded",
            "-closed",
        ]
        .iter()
        .any(|s| b.len() >= s.len() && b[b.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes()))
}

/// Calls `f` with the lowercase words of a class or id value: tokens split at
/// non-letters and camelCase humps; state classes skipped.
fn class_words(v: &str, mut f: impl FnMut(&str)) {
    let mut w = String::new();
    for token in v.split_ascii_whitespace().filter(|t| !is_state_class(t)) {
        let mut prev_lower = false;
        for ch in token.chars() {
            if ch.is_alphabetic() {
                if ch.is_uppercase() && prev_lower && !w.is_empty() {
                    f(&w);
                    w.clear();
                }
                prev_lower = ch.is_lowercase();
                w.extend(ch.to_lowercase());
            } else {
                if !w.is_empty() {
                    f(&w);
                    w.clear();
                }
                prev_lower = false;
            }
        }
        if !w.is_empty() {
            f(&w);
            w.clear();
        }
    }
}

#[derive(Default)]
struct Words {
    strong: bool,
    weak: bool,
    mild: bool,
    positive: bool,
}

fn words_of(v: &str) -> Words {
    let mut r = Words::default();
    if v.split_ascii_whitespace().any(|t| {
        [
            "hidden",
            "hide",
            "invisible",
            "sr-only",
            "visually-hidden",
            "screen-reader-text",
        ]
        .iter()
        .any(|h| t.eq_ignore_ascii_case(h))
    }) {
        r.strong = true;
    }
    class_words(v, |w| {
        r.strong |= strong_negative(w);
        r.weak |= weak_negative(w);
        r.mild |= mild_negative(w);
        r.positive |= positive_word(w);
    });
    r
}

fn is_hidden(doc: &Doc, id: usize) -> bool {
    if doc.attr(id, "hidden").is_some()
        || doc
            .attr(id, "aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    doc.attr(id, "style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

fn drop_kind(doc: &Doc, id: usize, tag: Tag) -> Drop {
    use Tag::*;
    match tag {
        Nav | Aside | Footer | Svg | Math | Template | Iframe | Object | Embed | Canvas | Video
        | Audio | Button | Select | Input | Dialog | Menu | Map | Frameset | Frame | Applet
        | Marquee => return Drop::Hard,
        Head | Title | Script | Style | Noscript | Meta | Link | Base | Header | Figure
        | Figcaption | Picture | Textarea | Noembed | Noframes | Datalist | Option | Optgroup
        | Source | Track | Param | Img | Area => return Drop::Soft,
        _ => {}
    }
    if matches!(tag, Html | Body) {
        return Drop::Keep;
    }
    if is_hidden(doc, id) {
        return Drop::Hard;
    }
    if doc.is_main(id) || doc.is_article(id) || doc.is_article_body(id) {
        return Drop::Keep;
    }
    if let Some(role) = doc.attr(id, "role") {
        let bad = role.split_ascii_whitespace().any(|r| {
            [
                "navigation",
                "banner",
                "contentinfo",
                "complementary",
                "menu",
                "menubar",
                "search",
                "dialog",
                "alertdialog",
                "toolbar",
                "tooltip",
            ]
            .iter()
            .any(|x| r.eq_ignore_ascii_case(x))
        });
        if bad {
            return Drop::Hard;
        }
    }
    let mut w = Words::default();
    for a in ["class", "id"] {
        if let Some(v) = doc.attr(id, a) {
            let x = words_of(v);
            w.strong |= x.strong;
            w.weak |= x.weak;
            w.positive |= x.positive;
        }
    }
    if w.strong || (w.weak && !w.positive) {
        Drop::Hard
    } else {
        Drop::Keep
    }
}

/// Per-node analysis, indexed by node id.
struct Info {
    /// Not part of the text (inherited by descendants).
    drop: Vec<bool>,
    /// Hard-dropped furniture (inherited): not searched for metadata either.
    junk: Vec<bool>,
    /// The last id of the node's subtree.
    end: Vec<usize>,
    /// Visible chars of kept text in the subtree.
    text: Vec<usize>,
    /// Of those, chars inside links.
    link: Vec<usize>,
    commas: Vec<usize>,
    /// Has a kept block-level descendant.
    has_block: Vec<bool>,
    /// Has a kept `<article>` or `[itemprop=articleBody]` descendant.
    has_article: Vec<bool>,
    /// Kept element children.
    elem_children: Vec<usize>,
    /// Visible chars in the subtree outside junk and scripts, dropped or
    /// not: what [`node_text`] would find (metadata and headline lookups).
    meta_text: Vec<usize>,
}

impl Info {
    fn analyze(doc: &Doc) -> Info {
        let n = doc.nodes.len();
        let mut drop = vec![false; n];
        let mut junk = vec![false; n];
        for id in 1..n {
            let p = doc.parent(id);
            let (mut d, mut j) = (drop[p], junk[p]);
            if !j {
                if let Some(tag) = doc.tag(id) {
                    match drop_kind(doc, id, tag) {
                        Drop::Hard => (d, j) = (true, true),
                        Drop::Soft => d = true,
                        Drop::Keep => {}
                    }
                }
            }
            drop[id] = d;
            junk[id] = j;
        }
        let mut info = Info {
            drop,
            junk,
            end: Vec::new(),
            text: Vec::new(),
            link: Vec::new(),
            commas: Vec::new(),
            has_block: Vec::new(),
            has_article: Vec::new(),
            elem_children: Vec::new(),
            meta_text: Vec::new(),
        };
        info.aggregate(doc);
        // Forms are dropped unless they wrap the page (ASP.NET sites put the
        // whole body in one <form>).
        let mut changed = false;
        let mut i = 1;
        while i < n {
            if doc.tag(i) == Some(Tag::Form)
                && !info.drop[i]
                && !info.has_article[i]
                && info.text[i] < 1000
            {
                for k in i..=info.end[i] {
                    info.drop[k] = true;
                }
                changed = true;
                i = info.end[i] + 1;
                continue;
            }
            i += 1;
        }
        if changed {
            info.aggregate(doc);
        }
        info
    }

    fn aggregate(&mut self, doc: &Doc) {
        let n = doc.nodes.len();
        self.end = (0..n).collect();
        self.text = vec![0; n];
        self.link = vec![0; n];
        self.commas = vec![0; n];
        self.has_block = vec![false; n];
        self.has_article = vec![false; n];
        self.elem_children = vec![0; n];
        self.meta_text = vec![0; n];
        for id in (0..n).rev() {
            let node = &doc.nodes[id];
            let dropped = self.drop[id];
            match node.kind {
                Kind::Text(s, e) => {
                    let meta =
                        !self.junk[id] && !doc.tag(node.parent).is_some_and(skipped_in_meta_text);
                    if !dropped || meta {
                        let (l, c) = text_stats(doc.src, s, e);
                        if !dropped {
                            self.text[id] += l;
                            self.commas[id] += c;
                        }
                        if meta {
                            self.meta_text[id] += l;
                        }
                    }
                }
                Kind::Elem { tag: Tag::A, .. } if !dropped => self.link[id] = self.text[id],
                _ => {}
            }
            if id == 0 {
                continue;
            }
            let p = node.parent;
            self.end[p] = self.end[p].max(self.end[id]);
            if !self.junk[id] {
                self.meta_text[p] += self.meta_text[id];
            }
            if dropped {
                continue;
            }
            self.text[p] += self.text[id];
            self.link[p] += self.link[id];
            self.commas[p] += self.commas[id];
            if let Kind::Elem { tag, .. } = node.kind {
                self.elem_children[p] += 1;
                if tag.is_block() || self.has_block[id] {
                    self.has_block[p] = true;
                }
                if self.has_article[id] || doc.is_article(id) || doc.is_article_body(id) {
                    self.has_article[p] = true;
                }
            }
        }
    }

    fn link_density(&self, id: usize) -> f64 {
        if self.text[id] == 0 {
            0.0
        } else {
            self.link[id] as f64 / self.text[id] as f64
        }
    }

    /// `a` is a proper ancestor of `b`.
    fn is_ancestor(&self, a: usize, b: usize) -> bool {
        a < b && b <= self.end[a]
    }
}

// ---------------------------------------------------------------------------
// Scoring and selection

struct Selection {
    roots: Vec<usize>,
    /// No container scored: the roots are the whole body.
    fallback: bool,
}

/// Readability's initial score of a candidate: by tag, by class and id words,
/// plus a bonus for semantic article markup.
fn initial_score(doc: &Doc, id: usize) -> f64 {
    use Tag::*;
    let mut s = match doc.tag(id) {
        Some(Div) => 5.0,
        Some(Pre | Td | Blockquote) => 3.0,
        Some(Address | Ol | Ul | Dl | Dd | Dt | Li | Form) => -3.0,
        Some(H1 | H2 | H3 | H4 | H5 | H6 | Th) => -5.0,
        _ => 0.0,
    };
    if id == 0 {
        return s;
    }
    for a in ["class", "id"] {
        if let Some(v) = doc.attr(id, a) {
            let w = words_of(v);
            if w.strong || w.weak || w.mild {
                s -= 25.0;
            }
            if w.positive {
                s += 25.0;
            }
        }
    }
    if doc.is_article_body(id) {
        s += 25.0;
    }
    if doc.is_article(id) {
        s += 10.0;
    }
    if doc.is_main(id) {
        s += 5.0;
    }
    s
}

struct Scores {
    score: Vec<f64>,
    cand: Vec<bool>,
}

impl Scores {
    fn ensure(&mut self, doc: &Doc, id: usize) {
        if !self.cand[id] {
            self.cand[id] = true;
            self.score[id] = initial_score(doc, id);
        }
    }

    /// A paragraph of `len` chars with `commas` commas, whose nearest
    /// container is `start`: scores `start` fully, its parent by half, and
    /// three more ancestors by a third of the level.
    fn add_unit(&mut self, doc: &Doc, start: usize, len: usize, commas: usize) {
        if len < 25 {
            return;
        }
        let s = 1.0 + commas as f64 + (len / 100).min(3) as f64;
        let mut a = start;
        let mut level = 0usize;
        while a != NONE && level < 5 {
            if doc.tag(a) != Some(Tag::Html) {
                self.ensure(doc, a);
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f64 * 3.0,
                };
                self.score[a] += s / div;
            }
            a = doc.parent(a);
            level += 1;
        }
    }
}

fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end();
    t.ends_with(['.', '!', '?', '؟', '…'])
        || t.match_indices(['.', '!', '?', '؟'])
            .any(|(i, m)| t[i + m.len()..].starts_with(' '))
}

fn select(doc: &Doc, info: &Info) -> Selection {
    use Tag::*;
    let n = doc.nodes.len();
    let mut sc = Scores {
        score: vec![0.0; n],
        cand: vec![false; n],
    };
    for id in 0..n {
        if info.drop[id] {
            continue;
        }
        let tag = match doc.nodes[id].kind {
            Kind::Elem { tag, .. } => tag,
            Kind::Root => Other,
            Kind::Text(..) => continue,
        };
        let own = match tag {
            P => true,
            Pre | Td => !info.has_block[id],
            _ => false,
        };
        if own {
            sc.add_unit(doc, doc.parent(id), info.text[id], info.commas[id]);
            continue;
        }
        let container = id == 0
            || matches!(
                tag,
                Div | Section
                    | Article
                    | Main
                    | Blockquote
                    | Center
                    | Font
                    | Body
                    | Html
                    | Td
                    | Pre
                    | Dd
            );
        if !container {
            continue;
        }
        // Runs of loose text (text and inline elements between blocks and
        // <br>s) count as paragraphs of this container, as Readability's
        // conversion of such runs into <p>s does.
        let (mut len, mut commas) = (0, 0);
        let mut c = doc.nodes[id].first_child;
        while c != NONE {
            if !info.drop[c] {
                let breaks = match doc.nodes[c].kind {
                    Kind::Elem { tag: ct, .. } => ct == Br || ct.is_block() || info.has_block[c],
                    _ => false,
                };
                if breaks {
                    sc.add_unit(doc, id, len, commas);
                    (len, commas) = (0, 0);
                } else {
                    len += info.text[c];
                    commas += info.commas[c];
                }
            }
            c = doc.nodes[c].next;
        }
        sc.add_unit(doc, id, len, commas);
    }

    let mut cands: Vec<usize> = (0..n).filter(|&i| sc.cand[i]).collect();
    if cands.is_empty() {
        let body = (1..n).find(|&i| doc.tag(i) == Some(Body)).unwrap_or(0);
        return Selection {
            roots: vec![body],
            fallback: true,
        };
    }
    for &c in &cands {
        sc.score[c] *= 1.0 - info.link_density(c);
    }
    cands.sort_by(|&a, &b| sc.score[b].total_cmp(&sc.score[a]).then(a.cmp(&b)));
    let mut t = cands[0];
    let top_score = sc.score[t];

    // Several near-equal candidates under one ancestor: that ancestor.
    if top_score > 0.0 {
        let alts: Vec<usize> = cands[1..]
            .iter()
            .take(4)
            .copied()
            .filter(|&a| sc.score[a] / top_score >= 0.75)
            .collect();
        if alts.len() >= 3 {
            let mut p = doc.parent(t);
            while p != NONE && !doc.is_root_like(p) {
                if alts.iter().filter(|&&a| info.is_ancestor(p, a)).count() >= 3 {
                    t = p;
                    sc.ensure(doc, t);
                    break;
                }
                p = doc.parent(p);
            }
        }
    }
    // Climb while the parent scores better.
    let mut last = sc.score[t];
    let threshold = last / 3.0;
    let mut p = doc.parent(t);
    while p != NONE && !doc.is_root_like(p) {
        if sc.cand[p] {
            let ps = sc.score[p];
            if ps < threshold {
                break;
            }
            if ps > last {
                t = p;
                break;
            }
            last = ps;
        }
        p = doc.parent(p);
    }
    // An only child is its parent.
    loop {
        let p = doc.parent(t);
        if p == NONE || doc.is_root_like(p) || info.elem_children[p] != 1 {
            break;
        }
        t = p;
    }

    // Semantic markup of the article body wins when it agrees with the
    // scores.
    let mut semantic = false;
    if let Some(b) =
        (1..n).find(|&i| !info.drop[i] && info.text[i] >= 140 && doc.is_article_body(i))
    {
        if b == t
            || info.is_ancestor(b, t)
            || info.is_ancestor(t, b)
            || info.text[b] * 2 >= info.text[t]
        {
            t = b;
            semantic = true;
        }
    }
    if !semantic {
        let mut a = t;
        while a != NONE && !doc.is_article(a) {
            a = doc.parent(a);
        }
        if a != NONE && (info.text[a] as f64) <= 1.5 * info.text[t] as f64 + 300.0 {
            t = a;
            semantic = true;
        }
    }
    if !semantic {
        // A container holding exactly one article that has most of its text.
        let mut arts = Vec::new();
        let mut i = t + 1;
        while i <= info.end[t] && arts.len() < 2 {
            if info.drop[i] {
                i = info.end[i] + 1;
            } else if doc.is_article(i) {
                arts.push(i);
                i = info.end[i] + 1;
            } else {
                i += 1;
            }
        }
        if let [a] = arts[..] {
            if info.text[a] * 10 >= info.text[t] * 6 {
                t = a;
                semantic = true;
            }
        }
    }
    if !semantic {
        let mut m = doc.parent(t);
        while m != NONE && !doc.is_main(m) {
            m = doc.parent(m);
        }
        if m != NONE && (info.text[m] as f64) <= 1.2 * info.text[t] as f64 + 200.0 {
            t = m;
            semantic = true;
        }
    }
    if semantic || doc.is_root_like(t) {
        return Selection {
            roots: vec![t],
            fallback: false,
        };
    }

    // Readability's sibling merging: siblings that score well, or look like
    // paragraphs of the same text.
    let st = sc.score[t];
    let threshold = (st * 0.2).max(10.0);
    let t_class = doc.attr(t, "class").filter(|c| !c.trim().is_empty());
    let mut roots = Vec::new();
    let mut c = doc.nodes[doc.parent(t)].first_child;
    while c != NONE {
        let keep = if c == t {
            true
        } else if info.drop[c] || doc.tag(c).is_none() {
            false
        } else {
            let bonus = if t_class.is_some() && doc.attr(c, "class") == t_class {
                st * 0.2
            } else {
                0.0
            };
            if sc.cand[c] && sc.score[c] + bonus >= threshold {
                true
            } else if doc.tag(c) == Some(P) {
                let (len, ld) = (info.text[c], info.link_density(c));
                (len > 80 && ld < 0.25)
                    || (len > 0
                        && len <= 80
                        && ld == 0.0
                        && ends_sentence(&node_text(doc, c, &info.drop)))
            } else {
                false
            }
        };
        if keep {
            roots.push(c);
        }
        c = doc.nodes[c].next;
    }
    Selection {
        roots,
        fallback: false,
    }
}

/// Where the headline and the date of the chosen content are looked for:
/// the enclosing article, else the parent of the content.
fn scope_root(doc: &Doc, roots: &[usize]) -> usize {
    let r = roots.first().copied().unwrap_or(0);
    let mut a = r;
    while a != NONE {
        if doc.is_article(a) {
            return a;
        }
        a = doc.parent(a);
    }
    let p = doc.parent(r);
    if p != NONE && !doc.is_root_like(p) {
        p
    } else {
        r
    }
}

// ---------------------------------------------------------------------------
// Text emission

/// Builds text line by line: block boundaries end lines (lazily, so there
/// are no empty lines), whitespace runs collapse to one space, no line starts
/// or ends with a space.
struct Lines<'a> {
    src: &'a str,
    out: TextBuilder,
    has_content: bool,
    pending_break: bool,
    /// A space to write before the next content: the source span when it was
    /// a single ASCII space, else synthetic.
    pending_space: Option<Option<(usize, usize)>>,
    pre: usize,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Self {
        Lines {
            src,
            out: TextBuilder::new(),
            has_content: false,
            pending_break: false,
            pending_space: None,
            pre: 0,
        }
    }

    fn break_line(&mut self) {
        if self.has_content {
            self.pending_break = true;
            self.has_content = false;
        }
        self.pending_space = None;
    }

    fn space(&mut self) {
        if self.has_content && self.pending_space.is_none() {
            self.pending_space = Some(None);
        }
    }

    fn before_content(&mut self) {
        if self.pending_break {
            if !self.out.is_empty() {
                self.out.push_synthetic("\n");
            }
            self.pending_break = false;
        }
        match self.pending_space.take() {
            Some(Some((a, b))) => self.out.push_source(self.src, Span::new(a, b)),
            Some(None) => self.out.push_synthetic(" "),
            None => {}
        }
        self.has_content = true;
    }

    fn piece(&mut self, p: Piece) {
        match p {
            Piece::Space(a, b) => {
                if self.pre > 0 && self.src[a..b].contains('\n') {
                    self.break_line();
                } else if self.has_content && self.pending_space.is_none() {
                    self.pending_space = Some((&self.src[a..b] == " ").then_some((a, b)));
                }
            }
            Piece::SynSpace => self.space(),
            Piece::Src(a, b) => {
                self.before_content();
                self.out.push_source(self.src, Span::new(a, b));
            }
            Piece::Char(c) => {
                self.before_content();
                let mut buf = [0u8; 4];
                self.out.push_synthetic(c.encode_utf8(&mut buf));
            }
        }
    }

    fn text(&mut self, s: usize, e: usize) {
        let src = self.src;
        pieces(src, s, e, false, |p| self.piece(p));
    }

    /// Enters (`enter`) or leaves an element; returns whether to descend.
    fn element(&mut self, tag: Tag, enter: bool) -> bool {
        match tag {
            Tag::Br | Tag::Hr => {
                self.break_line();
                return false;
            }
            Tag::Td | Tag::Th => self.space(),
            Tag::Pre if enter => self.pre += 1,
            Tag::Pre => self.pre = self.pre.saturating_sub(1),
            _ => {}
        }
        if tag.is_block() {
            self.break_line();
        }
        enter
    }
}

fn emit(doc: &Doc, info: &Info, roots: &[usize], skip: &[usize]) -> (String, Alignment) {
    let mut lines = Lines::new(doc.src);
    for &r in roots {
        lines.break_line();
        walk(doc, r, |id, enter| match doc.nodes[id].kind {
            Kind::Root => true,
            Kind::Text(s, e) => {
                if enter && !info.drop[id] {
                    lines.text(s, e);
                }
                false
            }
            Kind::Elem { tag, .. } => {
                if enter && (info.drop[id] || skip.contains(&id)) {
                    return false;
                }
                lines.element(tag, enter)
            }
        });
    }
    lines.out.finish()
}

/// The text of a subtree on one line, not looking into subtrees (below `id`)
/// that `skip` marks.
fn node_text(doc: &Doc, id: usize, skip: &[bool]) -> String {
    let mut lines = Lines::new(doc.src);
    walk(doc, id, |n, enter| match doc.nodes[n].kind {
        Kind::Root => true,
        Kind::Text(s, e) => {
            if enter {
                lines.text(s, e);
            }
            false
        }
        Kind::Elem { tag, .. } => {
            if enter && n != id && (skip[n] || skipped_in_meta_text(tag)) {
                return false;
            }
            lines.element(tag, enter)
        }
    });
    lines.out.finish().0.replace('\n', " ")
}

/// Elements whose content is never part of a headline, a byline or a date.
fn skipped_in_meta_text(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Script
            | Style
            | Noscript
            | Template
            | Textarea
            | Iframe
            | Noembed
            | Noframes
            | Xmp
            | Select
            | Button
    )
}

// ---------------------------------------------------------------------------
// Metadata

#[derive(Default)]
struct Meta {
    og_title: Option<String>,
    og_url: Option<String>,
    canonical: Option<String>,
    site_name: Option<String>,
    description: Option<String>,
    og_description: Option<String>,
    /// meta article:published_time, itemprop=datePublished, meta name=date
    /// and friends, JSON-LD.
    published: [Option<String>; 4],
    /// meta author, meta article:author, itemprop=author, rel=author, JSON-LD.
    author: [Option<String>; 5],
    time_any: Option<String>,
    lang: Option<String>,
    title_tag: Option<String>,
}

/// Fills `slot` with `v` unless it is filled or `v` is empty.
fn set(slot: &mut Option<String>, v: Option<String>) {
    if slot.is_none() {
        *slot = v.filter(|v| !v.is_empty());
    }
}

impl Meta {
    fn collect(doc: &Doc, info: &Info) -> Meta {
        let mut m = Meta::default();
        let mut seen_html = false;
        for id in 1..doc.nodes.len() {
            let Some(tag) = doc.tag(id) else { continue };
            match tag {
                Tag::Html if !seen_html => {
                    seen_html = true;
                    m.lang = doc.attr_clean(id, "lang");
                }
                Tag::Meta => m.meta_tag(doc, id),
                Tag::Link if doc.attr_has_word(id, "rel", "canonical") => {
                    set(&mut m.canonical, doc.attr_clean(id, "href"));
                }
                Tag::Title if !info.junk[id] && m.title_tag.is_none() => {
                    set(&mut m.title_tag, Some(node_text(doc, id, &info.junk)))
                }
                Tag::Script
                    if doc
                        .attr(id, "type")
                        .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) =>
                {
                    let c = doc.nodes[id].first_child;
                    if let Some(Kind::Text(s, e)) = doc.nodes.get(c).map(|n| n.kind) {
                        m.json_ld(&doc.src[s..e]);
                    }
                }
                _ => {}
            }
            if info.junk[id] || matches!(tag, Tag::Meta | Tag::Link) {
                continue;
            }
            // Each lookup below runs until its slot is filled, and only on
            // elements that have a value, so nested candidates cost nothing.
            if m.published[1].is_none() && doc.attr_has_word(id, "itemprop", "datePublished") {
                let v = doc
                    .attr_clean(id, "datetime")
                    .or_else(|| doc.attr_clean(id, "content"));
                let has_text = info.meta_text[id] > 0;
                set(
                    &mut m.published[1],
                    v.or_else(|| has_text.then(|| node_text(doc, id, &info.junk))),
                );
            }
            let author_text = info.meta_text[id] > 0 || doc.attr_clean(id, "content").is_some();
            if m.author[2].is_none() && author_text && doc.attr_has_word(id, "itemprop", "author") {
                let v = doc.attr_clean(id, "content").or_else(|| {
                    let name = first_elem(doc, info, id, &info.junk, |i| {
                        i != id && doc.attr_has_word(i, "itemprop", "name")
                    });
                    let n = name
                        .filter(|&n| {
                            info.meta_text[n] > 0 || doc.attr_clean(n, "content").is_some()
                        })
                        .unwrap_or(id);
                    doc.attr_clean(n, "content")
                        .or_else(|| Some(node_text(doc, n, &info.junk)))
                });
                set(&mut m.author[2], v);
            }
            if m.author[3].is_none()
                && tag == Tag::A
                && info.meta_text[id] > 0
                && doc.attr_has_word(id, "rel", "author")
            {
                set(&mut m.author[3], Some(node_text(doc, id, &info.junk)));
            }
            if tag == Tag::Time {
                set(&mut m.time_any, doc.attr_clean(id, "datetime"));
            }
        }
        m
    }

    fn meta_tag(&mut self, doc: &Doc, id: usize) {
        let Some(content) = doc.attr_clean(id, "content") else {
            return;
        };
        let v = Some(content);
        for key_attr in ["property", "name"] {
            let Some(key) = doc.attr(id, key_attr) else {
                continue;
            };
            match key.trim().to_ascii_lowercase().as_str() {
                "og:title" => set(&mut self.og_title, v.clone()),
                "og:url" => set(&mut self.og_url, v.clone()),
                "og:site_name" => set(&mut self.site_name, v.clone()),
                "og:description" => set(&mut self.og_description, v.clone()),
                "description" => set(&mut self.description, v.clone()),
                "author" => set(&mut self.author[0], v.clone()),
                "article:author" => set(&mut self.author[1], v.clone()),
                "article:published_time" | "og:published_time" | "og:article:published_time" => {
                    set(&mut self.published[0], v.clone())
                }
                "date" | "pubdate" | "publishdate" | "publish-date" | "publish_date"
                | "publication_date" | "dc.date.issued" | "dcterms.issued" | "dc.date"
                | "dcterms.date" | "sailthru.date" | "parsely-pub-date" | "article.published" => {
                    set(&mut self.published[2], v.clone())
                }
                _ => {}
            }
        }
        if doc.attr_has_word(id, "itemprop", "datePublished") {
            set(&mut self.published[1], v.clone());
        }
        if doc.attr_has_word(id, "itemprop", "author") {
            set(&mut self.author[2], v);
        }
    }

    /// datePublished and author of an Article in JSON-LD (top level, arrays,
    /// `@graph`).
    fn json_ld(&mut self, text: &str) {
        if text.len() > 4 << 20 {
            return;
        }
        if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
            self.json_ld_value(&v, 0);
        }
    }

    fn json_ld_value(&mut self, v: &Value, depth: usize) {
        if depth > 4 {
            return;
        }
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.json_ld_value(x, depth + 1)),
            Value::Object(o) => {
                let article_type =
                    |s: &str| s.ends_with("Article") || s == "BlogPosting" || s == "Report";
                let is_article = match o.get("@type") {
                    Some(Value::String(s)) => article_type(s),
                    Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(article_type)),
                    _ => false,
                };
                if is_article {
                    set(
                        &mut self.published[3],
                        o.get("datePublished").and_then(Value::as_str).map(clean),
                    );
                    if let Some(a) = o.get("author") {
                        let one = |x: &Value| match x {
                            Value::String(s) => Some(clean(s)),
                            Value::Object(p) => p.get("name").and_then(Value::as_str).map(clean),
                            _ => None,
                        };
                        let names: Vec<String> = match a {
                            Value::Array(xs) => xs.iter().take(16).filter_map(one).collect(),
                            x => one(x).into_iter().collect(),
                        };
                        let names: Vec<String> =
                            names.into_iter().filter(|s| !s.is_empty()).collect();
                        set(&mut self.author[4], Some(names.join(", ")));
                    }
                }
                if let Some(g) = o.get("@graph") {
                    self.json_ld_value(g, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Removes a trailing " - Site" / " | Site" (or a leading "Site | "): always
/// when the tail is the known site name; with `always`, also when the tail is
/// no longer than the rest.
fn strip_site(t: &str, site: Option<&str>, always: bool) -> String {
    const SEPS: [&str; 7] = [" - ", " | ", " – ", " — ", " :: ", " « ", " » "];
    let t = clean(t);
    let best = SEPS
        .iter()
        .filter_map(|sep| t.rfind(sep).map(|i| (i, sep.len())))
        .max();
    let Some((i, l)) = best else { return t };
    let (head, tail) = (t[..i].trim(), t[i + l..].trim());
    let is_site = |x: &str| site.is_some_and(|s| clean(s) == x);
    if !head.is_empty()
        && (is_site(tail) || (always && tail.chars().count() <= head.chars().count()))
    {
        return head.to_string();
    }
    if !tail.is_empty() && is_site(head) {
        return tail.to_string();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_reports_tags_attributes_and_text() {
        let src = "<!DOCTYPE html><div class=\"a b\" id=x data-v='q\"r' hidden>نص &amp; <!-- c --> <br/></div>";
        let mut t = Tokenizer::new(src);
        let mut attrs = Vec::new();
        let mut seen = Vec::new();
        while let Some(tok) = t.next(&mut attrs) {
            seen.push(match tok {
                Token::Text(s, e) => format!("T:{}", &src[s..e]),
                Token::Start {
                    name,
                    attrs: (a, b),
                    self_closing,
                    ..
                } => {
                    let list: Vec<String> = attrs[a..b]
                        .iter()
                        .map(|at| {
                            format!(
                                "{}={}",
                                &src[at.name.0..at.name.1],
                                &src[at.value.0..at.value.1]
                            )
                        })
                        .collect();
                    format!(
                        "S:{}[{}]{}",
                        &src[name.0..name.1],
                        list.join(","),
                        if self_closing { "/" } else { "" }
                    )
                }
                Token::End { name, .. } => format!("E:{}", &src[name.0..name.1]),
            });
        }
        assert_eq!(
            seen,
            [
                "S:div[class=a b,id=x,data-v=q\"r,hidden=]",
                "T:نص &amp; ",
                "T: ",
                "S:br[]/",
                "E:div"
            ]
        );
    }

    #[test]
    fn raw_text_elements_hide_markup() {
        let src = "<script>if (a<b) { x = '</p>'; }</script><p>ok</p><style>p>a{}</STYLE ><textarea><b>x</b></textarea>";
        let doc = Doc::parse(src);
        let texts: Vec<&str> = doc
            .nodes
            .iter()
            .filter_map(|n| match n.kind {
                Kind::Text(s, e) => Some(&src[s..e]),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            ["if (a<b) { x = '</p>'; }", "ok", "p>a{}", "<b>x</b>"]
        );
    }

    #[test]
    fn implied_end_tags() {
        let page = extract("<body><p>أول<p>ثان<ul><li>أ<li>ب</ul><div>ج</div></body>");
        assert_eq!(page.text, "أول\nثان\nأ\nب\nج");
    }

    #[test]
    fn character_references() {
        assert_eq!(
            decode_str(
                "&#1575;&#x644;&amp;&lt;&nbsp;&raquo;&bogus; &amp x &#0; &#150;",
                false
            ),
            "ال&< »&bogus; & x \u{fffd} –"
        );
        assert_eq!(decode_str("a&ampb", true), "a&ampb");
        assert_eq!(
            decode_str("&#99999999999999;&#xD800;&#;&", false),
            "\u{fffd}\u{fffd}&#;&"
        );
    }

    #[test]
    fn class_words_split_and_skip_states() {
        let mut ws = Vec::new();
        class_words("shareButtons has-sidebar ad_slot-2 menu-open", |w| {
            ws.push(w.to_string())
        });
        assert_eq!(ws, ["share", "buttons", "ad", "slot"]);
        assert!(words_of("post-share").strong);
        assert!(!words_of("heads loader shadow").strong);
        assert!(!words_of("content has-sidebar").weak);
        let w = words_of("main-menu");
        assert!(w.weak && w.positive);
    }

    #[test]
    fn site_suffixes() {
        assert_eq!(
            strip_site("خبر مهم جداً - الموقع", None, true),
            "خبر مهم جداً"
        );
        assert_eq!(
            strip_site(
                "خبر | الموقع الإخباري الأول",
                Some("الموقع الإخباري الأول"),
                false
            ),
            "خبر"
        );
        assert_eq!(
            strip_site("الموقع | خبر طويل هنا", Some("الموقع"), true),
            "خبر طويل هنا"
        );
        assert_eq!(strip_site("خبر - تفاصيل", None, false), "خبر - تفاصيل");
    }
}
