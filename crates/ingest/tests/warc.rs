//! WARC input: files built here, record by record, with invented Arabic pages.

use flate2::write::GzEncoder;
use rasd_ingest::source::{self, Leaf};
use rasd_ingest::{parse_document, InputError, Options, Parsed};
use std::io::Write;
use std::path::Path;

const DATE: &str = "2024-03-12T09:30:00Z";

fn page(title: &str, paras: &[&str], meta: &str) -> String {
    let ps: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head>{meta}<title>{title} - موقع الاختبار</title></head>\
         <body><nav><a href=\"/\">الرئيسية</a></nav><article><h1>{title}</h1>\n{ps}</article>\
         <footer>جميع الحقوق محفوظة</footer></body></html>"
    )
}

const P1: &[&str] = &[
    "أعلنت بلدية المدينة اليوم عن افتتاح حديقة عامة جديدة في الحي الشرقي، تضم ملاعب للأطفال ومسارات للمشي.",
    "وقال رئيس البلدية إن الحديقة أنشئت خلال ستة أشهر، وإنها ستفتح أبوابها للزوار طوال أيام الأسبوع.",
];
const P2: &[&str] = &[
    "نظمت جمعية المكتبات مساء أمس أمسية شعرية في قاعة المركز الثقافي، بمشاركة عدد من الشعراء الشباب.",
    "وقرأ المشاركون قصائد عن المدينة والبحر، وسط حضور كبير من محبي الأدب والثقافة في المنطقة.",
];
const P3: &[&str] = &[
    "بدأت وزارة النقل أعمال صيانة الطريق الساحلي، على أن تستمر الأعمال ثلاثة أسابيع في المرحلة الأولى.",
    "ودعت الوزارة السائقين إلى استخدام الطرق البديلة، وإلى الالتزام بالسرعة المحددة قرب مواقع العمل.",
];
const P4: &[&str] = &[
    "افتتح معرض للصناعات اليدوية في السوق القديم، يعرض فيه الحرفيون منتجات من الفخار والنحاس والنسيج.",
    "وأكد المنظمون أن المعرض يهدف إلى دعم الحرفيين المحليين، وتعريف الزوار بالتراث الشعبي للمنطقة.",
];

fn record(kind: &str, uri: &str, id: u32, content: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {DATE}\r\n\
         WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{id:012}>\r\n\
         Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        content.len()
    )
    .into_bytes();
    r.extend_from_slice(content);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = h.into_bytes();
    out.extend_from_slice(body);
    out
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn cp1256(s: &str) -> Vec<u8> {
    let (b, _, bad) = encoding_rs::WINDOWS_1256.encode(s);
    assert!(!bad);
    b.into_owned()
}

/// The records of the test file, in order; the last one is cut short.
fn records() -> Vec<Vec<u8>> {
    let warcinfo = format!(
        "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: {DATE}\r\nWARC-Record-ID: <urn:uuid:info>\r\n\
         Content-Type: application/warc-fields\r\nContent-Length: 18\r\n\r\nsoftware: rasd-t\r\n\r\n\r\n"
    )
    .into_bytes();
    let utf8 = http(
        "200 OK",
        &[("Content-Type", "text/html; charset=UTF-8")],
        page("افتتاح حديقة عامة في الحي الشرقي", P1, "").as_bytes(),
    );
    // windows-1256, charset only in the HTTP header.
    let header_only = http(
        "200 OK",
        &[("Content-Type", "text/html; charset=windows-1256")],
        &cp1256(&page("أمسية شعرية في المركز الثقافي", P2, "")),
    );
    // windows-1256, charset only in a meta tag.
    let meta_only = http(
        "200 OK",
        &[("Content-Type", "text/html")],
        &cp1256(&page(
            "صيانة الطريق الساحلي",
            P3,
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\">",
        )),
    );
    // Chunked and gzip-encoded.
    let body = gzip(page("معرض للصناعات اليدوية", P4, "<meta charset=\"utf-8\">").as_bytes());
    let mut chunked = Vec::new();
    for c in body.chunks(100) {
        chunked.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        chunked.extend_from_slice(c);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut coded = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    coded.extend_from_slice(&chunked);
    let json = http(
        "200 OK",
        &[("Content-Type", "application/json")],
        b"{\"a\": 1}",
    );
    let missing = http(
        "404 Not Found",
        &[("Content-Type", "text/html")],
        page("الصفحة غير موجودة", P1, "").as_bytes(),
    );
    let request = b"GET /x HTTP/1.1\r\nHost: news.example\r\n\r\n".to_vec();
    let mut cut = record(
        "response",
        "https://news.example/cut",
        9,
        &http(
            "200 OK",
            &[("Content-Type", "text/html")],
            page("خبر مقطوع", P2, "").as_bytes(),
        ),
    );
    cut.truncate(cut.len() - 300);
    vec![
        warcinfo,
        record("request", "https://news.example/park", 1, &request),
        record("response", "https://news.example/park", 2, &utf8),
        record("response", "https://news.example/poetry", 3, &header_only),
        record("response", "https://news.example/road", 4, &meta_only),
        record("response", "https://news.example/crafts", 5, &coded),
        record(
            "metadata",
            "https://news.example/crafts",
            6,
            b"fetchTimeMs: 12\r\n",
        ),
        record("response", "https://news.example/data.json", 7, &json),
        record("response", "https://news.example/gone", 8, &missing),
        cut,
    ]
}

type Docs = Vec<(Leaf, Result<Parsed, InputError>)>;

/// Ingests like the pipeline does: list, read each window, parse.
fn ingest(paths: &[&Path], limit: u64) -> (Docs, Vec<source::ListError>) {
    let paths: Vec<_> = paths.iter().map(|p| p.to_path_buf()).collect();
    let (leaves, errors) = source::list(&paths, limit);
    let mut out = Vec::new();
    for w in leaves.chunks(3) {
        for (l, r) in w.iter().zip(source::read_members(w, limit)) {
            out.push((
                l.clone(),
                r.and_then(|b| parse_document(&b, &l.path, &Options::default())),
            ));
        }
    }
    (out, errors)
}

fn check_file(path: &Path, gz: bool) {
    let (docs, errors) = ingest(&[path], 1 << 20);
    // One leaf per complete record; the cut record is an error naming it.
    assert_eq!(docs.len(), 9);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert!(
        e.path.starts_with(&format!("{}!/@", path.display())),
        "{}",
        e.path
    );
    let reason = e.error.to_string();
    assert!(reason.contains("truncated"), "{reason}");
    if !gz {
        assert!(
            reason.contains("urn:uuid:00000000-0000-0000-0000-000000000009"),
            "{reason}"
        );
    }
    let mut pages = Vec::new();
    let mut rejects = Vec::new();
    for (leaf, r) in &docs {
        assert_eq!(
            leaf.archive.as_deref(),
            Some(path.display().to_string().as_str())
        );
        let p = r.as_ref().unwrap_or_else(|e| panic!("{}: {e}", leaf.path));
        assert_eq!(p.records, 1);
        assert_eq!(p.format.as_str(), "warc");
        rejects.extend(p.rejects.iter().map(|r| r.reason.clone()));
        for a in p.articles.iter().filter(|a| a.parent.is_none()) {
            pages.push((a.clone(), p.encoding.clone()));
        }
    }
    let got: Vec<(&str, &str, &str)> = pages
        .iter()
        .map(|(a, enc)| {
            (
                a.title.as_deref().unwrap(),
                a.url.as_deref().unwrap(),
                enc.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "افتتاح حديقة عامة في الحي الشرقي",
                "https://news.example/park",
                "UTF-8"
            ),
            (
                "أمسية شعرية في المركز الثقافي",
                "https://news.example/poetry",
                "windows-1256"
            ),
            (
                "صيانة الطريق الساحلي",
                "https://news.example/road",
                "windows-1256"
            ),
            (
                "معرض للصناعات اليدوية",
                "https://news.example/crafts",
                "UTF-8"
            ),
        ]
    );
    let bodies = [P1, P2, P3, P4];
    for ((a, _), paras) in pages.iter().zip(bodies) {
        for para in paras {
            assert!(a.body.contains(para), "{:?} lacks {para}", a.body);
        }
        assert_eq!(a.crawled.unwrap().to_string(), DATE);
        assert_eq!(a.publisher.as_deref(), Some("news.example"));
    }
    assert_eq!(rejects.len(), 5, "{rejects:?}");
    for want in [
        "warcinfo record",
        "request record",
        "metadata record",
        "application/json (not HTML)",
        "HTTP status 404",
    ] {
        assert!(
            rejects.iter().any(|r| r.contains(want)),
            "no {want:?} in {rejects:?}"
        );
    }
}

#[test]
fn plain_warc_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc");
    std::fs::write(&path, records().concat()).unwrap();
    check_file(&path, false);
}

#[test]
fn gzipped_warc_file_one_member_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CC-NEWS-test.warc.gz");
    let recs = records();
    let mut bytes = Vec::new();
    let mut offsets = Vec::new();
    for r in &recs {
        offsets.push(bytes.len());
        bytes.extend(gzip(r));
    }
    // The cut record: a gzip member that ends early.
    let last = recs.last().unwrap();
    let whole = gzip(last);
    bytes.truncate(*offsets.last().unwrap());
    bytes.extend_from_slice(&whole[..whole.len() / 2]);
    std::fs::write(&path, &bytes).unwrap();
    check_file(&path, true);
    // Leaves are named by their member's offset, as Common Crawl's index does.
    let (leaves, _) = source::list(std::slice::from_ref(&path), 1 << 20);
    assert_eq!(
        leaves[2].path,
        format!("{}!/@{}", path.display(), offsets[2])
    );
}

#[test]
fn found_by_content_in_a_directory_and_whole_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let recs = records();
    let whole: Vec<u8> = recs[..recs.len() - 1].concat();
    let gz: Vec<u8> = recs[..recs.len() - 1]
        .iter()
        .flat_map(|r| gzip(r))
        .collect();
    std::fs::write(dir.path().join("a.dat"), &whole).unwrap();
    std::fs::write(dir.path().join("b.bin"), &gz).unwrap();
    let (docs, errors) = ingest(&[dir.path()], 1 << 20);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 18);
    assert!(docs[0].0.path.contains("a.dat!/@0"));

    // Standard input / a zip member: the whole file in one document.
    for bytes in [&whole, &gz] {
        let p = parse_document(bytes, "-", &Options::default()).unwrap();
        assert_eq!(p.records, 9);
        assert_eq!(p.rejects.len(), 5);
        let pages: Vec<_> = p.articles.iter().filter(|a| a.parent.is_none()).collect();
        assert_eq!(pages.len(), 4);
        assert_eq!(pages[3].url.as_deref(), Some("https://news.example/crafts"));
        assert!(p.error.is_none());
    }
    // With the cut record: its reject and the error, the rest kept.
    let p = parse_document(&recs.concat(), "-", &Options::default()).unwrap();
    assert_eq!(
        (
            p.records,
            p.articles.iter().filter(|a| a.parent.is_none()).count()
        ),
        (10, 4)
    );
    assert!(p.error.unwrap().to_string().contains("truncated"));
}

#[test]
fn bad_records_are_errors_and_the_others_carry_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = record(
        "response",
        "https://news.example/park",
        2,
        &http(
            "200 OK",
            &[("Content-Type", "text/html")],
            page("افتتاح حديقة عامة في الحي الشرقي", P1, "").as_bytes(),
        ),
    );
    let bad_http = record(
        "response",
        "https://news.example/bad",
        3,
        b"HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n<html></html>",
    );
    let bad_length =
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nxyz\r\n\r\n".to_vec();
    let mut corrupt = gzip(&good);
    let n = corrupt.len();
    for b in &mut corrupt[20..n - 10] {
        *b ^= 0x55;
    }
    let members = [
        gzip(&good),
        gzip(&bad_http),
        corrupt,
        gzip(&bad_length),
        gzip(&good),
    ];
    let mut offsets = vec![0];
    for m in &members {
        offsets.push(offsets.last().unwrap() + m.len());
    }
    let path = dir.path().join("bad.warc.gz");
    std::fs::write(&path, members.concat()).unwrap();
    let (docs, errors) = ingest(&[&path], 1 << 20);
    let d = path.display();
    let errs: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.path, e.error))
        .collect();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].starts_with(&format!("{d}!/@{}: bad WARC record: ", offsets[2])),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with(&format!(
            "{d}!/@{}: bad WARC record: bad WARC Content-Length",
            offsets[3]
        )),
        "{errs:?}"
    );
    assert_eq!(docs.len(), 3);
    assert!(
        docs[0].1.as_ref().unwrap().articles[0].url.as_deref() == Some("https://news.example/park")
    );
    let e = docs[1].1.as_ref().unwrap_err().to_string();
    assert!(
        e.contains("malformed HTTP response header") && e.contains("000000000003"),
        "{e}"
    );
    assert_eq!(docs[1].0.path, format!("{d}!/@{}", offsets[1]));
    assert!(docs[2].1.is_ok());

    // A plain file with garbage between records resynchronises too.
    let plain = dir.path().join("bad.warc");
    std::fs::write(
        &plain,
        [good.clone(), b"garbage line\r\n".to_vec(), good.clone()].concat(),
    )
    .unwrap();
    let (docs, errors) = ingest(&[&plain], 1 << 20);
    assert_eq!((docs.len(), errors.len()), (2, 1), "{errors:?}");
    assert!(errors[0].error.to_string().contains("not a WARC record"));

    // A record over the size limit fails alone; the small records are read.
    let small = record(
        "request",
        "https://news.example/x",
        1,
        b"GET / HTTP/1.1\r\n\r\n",
    );
    let big = dir.path().join("big.warc");
    std::fs::write(&big, [small.clone(), good.clone(), small].concat()).unwrap();
    let (docs, _) = ingest(&[&big], 1000);
    assert!(matches!(docs[1].1, Err(InputError::TooLarge { .. })));
    assert!(docs[0].1.is_ok() && docs[2].1.is_ok());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let recs = records().concat();
    for cut in (0..recs.len()).step_by(37) {
        let _ = parse_document(&recs[..cut], "-", &Options::default());
        let mut flipped = recs.clone();
        flipped[cut] ^= 0xFF;
        let _ = parse_document(&flipped, "-", &Options::default());
    }
    let gz = gzip(&recs);
    for cut in (0..gz.len()).step_by(13) {
        let _ = parse_document(&gz[..cut], "-", &Options::default());
    }
}
