-- wrk script: GET /api/v1/search with a rotating list of Arabic queries
-- (common and rare words, a phrase, names with clitics), URL-encoded.
local queries = {
  "الرياض", "وزير الخارجية", "الملك سلمان", "\"مجلس الوزراء\"", "اليمن", "الحوثيين",
  "أسعار النفط", "كأس", "الهلال", "التعليم", "مستشفى", "أمطار", "داعش", "ولي العهد",
  "الاتحاد", "جدة", "بالرياض", "إيران", "الأمم المتحدة", "سوق الأسهم", "المرور",
  "وزارة الصحة", "كورونا", "الحج", "مكة المكرمة", "عاصفة الحزم", "الدولار", "أوبك",
  "البرلمان", "الشورى"
}
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local paths = {}
for i, q in ipairs(queries) do paths[i] = "/api/v1/search?limit=20&q=" .. encode(q) end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
