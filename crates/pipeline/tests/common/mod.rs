//! What the pipeline's integration tests share: a corpus of our own
//! writing, and each test run on every store backend.

#![allow(dead_code)]

use rasd_store::Store;

/// Reports of our own writing that name overlapping people, organisations
/// and places in several forms (full name, family name, title + name), so
/// that later batches link to entities of earlier ones.
pub fn reports() -> Vec<serde_json::Value> {
    let people = [
        ("الرئيس المصري عبد الفتاح السيسي", "السيسي"),
        ("وزير الخارجية السعودي عادل الجبير", "الجبير"),
        ("المبعوث الأممي إسماعيل ولد الشيخ أحمد", "ولد الشيخ أحمد"),
        ("وزير الخارجية الأمريكي جون كيري", "كيري"),
        ("الرئيس اليمني عبد ربه منصور هادي", "هادي"),
        ("وزير الخارجية الروسي سيرغي لافروف", "لافروف"),
    ];
    let places = ["القاهرة", "الرياض", "جنيف", "صنعاء", "عدن", "موسكو"];
    let orgs = ["الأمم المتحدة", "جامعة الدول العربية", "مجلس الأمن الدولي"];
    let mut out = Vec::new();
    for i in 0..36usize {
        let (full_a, short_a) = people[i % people.len()];
        let (full_b, short_b) = people[(i * 5 + 1) % people.len()];
        let place = places[(i * 7) % places.len()];
        let org = orgs[i % orgs.len()];
        let body = match i % 3 {
            0 | 1 => format!(
                "استقبل {full_a} في {place} يوم الأحد {full_b} وبحث معه تطورات الأوضاع في المنطقة.\n\
                 وقال {short_a} في مؤتمر صحفي مشترك إن الجانبين اتفقا على مواصلة التنسيق، فيما أكد {short_b} \
                 دعم بلاده لجهود {org} من أجل التوصل إلى حل سياسي.\n\
                 وكان {short_a} قد زار {place} الشهر الماضي والتقى عددا من المسؤولين في لقاء رقم {i}."
            ),
            _ => format!(
                "اجتاحت السيول قرى الوادي الشمالي قرب {place} بعد أمطار غزيرة، وغمرت المياه المنازل والمزارع.\n\
                 وأعلن الدفاع المدني إجلاء مئات الأسر إلى المدارس وإغلاق الطرق، فيما دعت {org} إلى \
                 تقديم المساعدات العاجلة للمتضررين، وقال {short_b} إن فرق الإغاثة تعمل منذ الفجر في النشرة رقم {i}."
            ),
        };
        out.push(serde_json::json!({
            "source": format!("src{}", i % 4),
            "url": format!("https://news.example/{i}"),
            "published": format!("2015-07-{:02}", 1 + i % 28),
            "title": format!("{short_a} يستقبل {short_b} في {place}"),
            "content": body,
        }));
    }
    out
}

/// Runs a test on each backend: SQLite (in memory), and PostgreSQL when
/// `RASD_TEST_PG` names a server (`.ci/run` starts one), else the
/// PostgreSQL case says it skipped. The test gets a function that opens a
/// fresh store by name (a test may open several).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&|_: &str| -> Box<dyn rasd_store::Store> {
                    Box::new(rasd_store::SqliteStore::open_in_memory().unwrap())
                })
            }
            #[test]
            fn postgres() {
                if rasd_store::testing::server().is_none() {
                    eprintln!("skip: RASD_TEST_PG is not set (no PostgreSQL server to test on)");
                    return;
                }
                super::$name(&|db: &str| -> Box<dyn rasd_store::Store> {
                    let name = format!("{}_{}", stringify!($name), db);
                    Box::new(rasd_store::testing::fresh(&name).expect("RASD_TEST_PG is set"))
                })
            }
        }
    )* };
}

/// Opens a fresh store of one backend by name.
pub type Open<'a> = &'a dyn Fn(&str) -> Box<dyn Store>;
