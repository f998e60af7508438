#!/usr/bin/env python3
"""Writes a synthetic Arabic news-like text file of a given size and shape,
for the memory benchmark (bench/memory.sh) and the reliability tests. The
words are drawn (deterministically, from a seed) from a small list written
here, so no third-party text is involved.

usage: gen_text.py OUT SIZE_BYTES SHAPE [SEED]
SHAPE: lines   normal news lines: sentences ending with a full stop, ~3 per line
       oneline the same sentences with no line break anywhere
       nopunct words and spaces only: no punctuation, no line break
       nospace one run of letters with no space, punctuation or line break
"""
import random
import sys

WORDS = """
قال أكد أعلن استقبل التقى بحث زار وصل غادر أدان رحب دعا طالب شدد أشار
الرئيس الوزير رئيس الوزراء وزير الخارجية الأمين العام المتحدث الرسمي السفير
الحكومة البرلمان المجلس الجيش القوات الشرطة الوفد اللجنة المنظمة الأمم المتحدة
السعودية مصر الأردن لبنان سوريا العراق ليبيا تونس المغرب الجزائر اليمن قطر
الرياض القاهرة عمان بيروت دمشق بغداد طرابلس بنغازي تونس الرباط صنعاء الدوحة
محمد أحمد علي خالد عبدالله سعود فيصل سلمان حسن حسين عمر يوسف إبراهيم
بن آل العلي الأحمد الخالدي الحسن الشمري العتيبي القحطاني الزهراني
في من إلى على عن مع بعد قبل خلال حول بين أمام منذ حتى لدى عند
اليوم أمس غدا الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت
يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
الاجتماع المؤتمر الزيارة المحادثات الاتفاق الاتفاقية المشروع القرار البيان
العلاقات الثنائية التعاون الاقتصادي الأمن الاستقرار السلام التنمية الاستثمار
المنطقة البلاد العاصمة المدينة المحافظة الحدود الشرقية الشمالية الجنوبية
الجديد الكبير المقبل الماضي الحالي الدولي الإقليمي الوطني الرسمي العربي
""".split()


def sentence(r):
    n = r.randint(6, 18)
    return " ".join(r.choice(WORDS) for _ in range(n))


def main():
    out, size, shape = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    r = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < size:
            if shape == "lines":
                chunk = " ".join(sentence(r) + "." for _ in range(3)) + "\n"
            elif shape == "oneline":
                chunk = sentence(r) + ". "
            elif shape == "nopunct":
                chunk = sentence(r) + " "
            elif shape == "nospace":
                chunk = "".join(r.choice(WORDS) for _ in range(8))
            else:
                sys.exit(f"unknown shape {shape!r}")
            f.write(chunk)
            written += len(chunk.encode("utf-8"))


if __name__ == "__main__":
    main()
