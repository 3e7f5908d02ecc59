//! A small PDF writer (ISO 32000-1) for the documents the system hands out: the public applicant
//! list, the extended list, offer letters. A4 pages of headings, wrapped paragraphs and tables
//! in the standard Helvetica faces with the Windows-1252 encoding, which every PDF reader has
//! built in and which covers Norwegian (æ, ø, å) and the typographic quotes and dashes. The
//! document carries its title and language, so a screen reader announces them; the same
//! content is always offered as an HTML page too, which is the accessible form.
//!
//! Pure: it returns bytes. Text outside Windows-1252 is written as "?".

mod widths;

use crate::Lang;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const TOP: f32 = PAGE_H - 60.0;
const BOTTOM: f32 = 64.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.35;

/// A font face of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    fn name(self) -> &'static str {
        match self {
            Face::Regular => "F1",
            Face::Bold => "F2",
        }
    }

    fn widths(self) -> &'static [u16; 224] {
        match self {
            Face::Regular => &widths::HELVETICA,
            Face::Bold => &widths::HELVETICA_BOLD,
        }
    }
}

/// One column of a table: its heading and its share of the text width (the shares add to 1).
pub struct Column<'a> {
    pub heading: &'a str,
    pub share: f32,
}

/// A document being written, page by page.
pub struct Document {
    title: String,
    lang: Lang,
    pages: Vec<String>,
    page: String,
    y: f32,
}

/// Windows-1252 for `c`, or `None`.
fn cp1252(c: char) -> Option<u8> {
    let u = c as u32;
    if (0x20..0x7f).contains(&u) || (0xa0..=0xff).contains(&u) {
        return Some(u as u8);
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '\u{2009}' | '\u{202f}' => 0xa0,
        _ => return None,
    })
}

/// The nearest Windows-1252 letter for a Latin letter outside it (Sámi, Polish, Baltic,
/// Czech, Turkish, Romanian names): its base letter. The HTML page beside each PDF keeps the
/// name exactly.
fn fold(c: char) -> Option<char> {
    const PAIRS: [(&str, char); 30] = [
        ("ĀĂĄ", 'A'),
        ("āăą", 'a'),
        ("ĆĈĊČ", 'C'),
        ("ćĉċč", 'c'),
        ("ĎĐ", 'D'),
        ("ďđ", 'd'),
        ("ĒĔĖĘĚ", 'E'),
        ("ēĕėęě", 'e'),
        ("ĜĞĠĢ", 'G'),
        ("ĝğġģ", 'g'),
        ("ĪĬĮİ", 'I'),
        ("īĭįı", 'i'),
        ("Ķ", 'K'),
        ("ķ", 'k'),
        ("ĹĻĽĿŁ", 'L'),
        ("ĺļľŀł", 'l'),
        ("ŃŅŇŊ", 'N'),
        ("ńņňŋ", 'n'),
        ("ŌŎŐ", 'O'),
        ("ōŏő", 'o'),
        ("ŔŖŘ", 'R'),
        ("ŕŗř", 'r'),
        ("ŚŜŞȘ", 'S'),
        ("śŝşș", 's'),
        ("ŢŤŦȚ", 'T'),
        ("ţťŧț", 't'),
        ("ŨŪŬŮŰŲ", 'U'),
        ("ũūŭůűų", 'u'),
        ("ŹŻ", 'Z'),
        ("źż", 'z'),
    ];
    PAIRS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| *to)
}

fn encode(s: &str) -> Vec<u8> {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            cp1252(c)
                .or_else(|| fold(c).and_then(cp1252))
                .unwrap_or(b'?')
        })
        .collect()
}

/// The width of `s` in points at `size`.
pub fn text_width(s: &str, face: Face, size: f32) -> f32 {
    let w = face.widths();
    encode(s)
        .iter()
        .map(|&b| f32::from(w[usize::from(b.max(32)) - 32]))
        .sum::<f32>()
        * size
        / 1000.0
}

/// `s` broken into lines no wider than `width`; a word wider than a line is broken inside.
pub fn wrap(s: &str, face: Face, size: f32, width: f32) -> Vec<String> {
    let mut lines = vec![];
    for para in s.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, face, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone, broken where it must be.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if !line.is_empty() && text_width(&next, face, size) > width {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// A PDF literal string of the Windows-1252 bytes of `s`, ASCII only.
fn literal(s: &str) -> String {
    let mut out = String::from("(");
    for b in encode(s) {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            32..=126 => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push(')');
    out
}

/// A PDF text string for the document's information (UTF-16 with a byte-order mark, in hex).
fn info_text(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        out.push_str(&format!("{u:04X}"));
    }
    out.push('>');
    out
}

impl Document {
    pub fn new(title: &str, lang: Lang) -> Document {
        Document {
            title: title.to_owned(),
            lang,
            pages: vec![],
            page: String::new(),
            y: TOP,
        }
    }

    fn width() -> f32 {
        PAGE_W - 2.0 * MARGIN
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    /// Room for `h` points more on this page, or a new page.
    fn room(&mut self, h: f32) {
        if self.y - h < BOTTOM && self.y < TOP {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, s: &str, face: Face, size: f32) {
        self.page.push_str(&format!(
            "BT /{} {size} Tf {x:.2} {y:.2} Td {} Tj ET\n",
            face.name(),
            literal(s)
        ));
    }

    fn lines(&mut self, s: &str, face: Face, size: f32) {
        let step = size * LEADING;
        for line in wrap(s, face, size, Self::width()) {
            self.room(step);
            self.y -= step;
            self.text_at(MARGIN, self.y, &line, face, size);
        }
    }

    /// The document's main heading.
    pub fn heading(&mut self, s: &str) {
        self.lines(s, Face::Bold, 16.0);
        self.y -= 6.0;
    }

    /// A section's heading, kept with at least three lines after it.
    pub fn subheading(&mut self, s: &str) {
        self.room(12.0 * LEADING + 3.0 * BODY * LEADING + 8.0);
        self.y -= 8.0;
        self.lines(s, Face::Bold, 12.0);
        self.y -= 2.0;
    }

    /// Running text; a line break in `s` starts a new line.
    pub fn paragraph(&mut self, s: &str) {
        self.lines(s, Face::Regular, BODY);
        self.y -= 4.0;
    }

    /// "Label: value" on one line (wrapped), the label in bold.
    pub fn field(&mut self, label: &str, value: &str) {
        let step = BODY * LEADING;
        let lw = text_width(label, Face::Bold, BODY) + 6.0;
        let lines = wrap(value, Face::Regular, BODY, Self::width() - lw);
        self.room(step);
        self.y -= step;
        self.text_at(MARGIN, self.y, label, Face::Bold, BODY);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.room(step);
                self.y -= step;
            }
            self.text_at(MARGIN + lw, self.y, line, Face::Regular, BODY);
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    fn rule(&mut self, y: f32) {
        self.page.push_str(&format!(
            "0.5 w {MARGIN:.2} {y:.2} m {:.2} {y:.2} l S\n",
            PAGE_W - MARGIN
        ));
    }

    fn table_row(&mut self, cells: &[Vec<String>], xs: &[f32], face: Face) {
        let step = BODY * LEADING;
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * step;
        for (c, lines) in cells.iter().enumerate() {
            for (i, line) in lines.iter().enumerate() {
                self.text_at(xs[c], self.y - step * (i as f32 + 1.0), line, face, BODY);
            }
        }
        self.y -= height + 3.0;
    }

    /// A table with a heading row, repeated on each page it runs over.
    pub fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>]) {
        const PAD: f32 = 6.0;
        let step = BODY * LEADING;
        let mut xs = vec![];
        let mut widths = vec![];
        let mut x = MARGIN;
        for c in columns {
            xs.push(x);
            let w = Self::width() * c.share;
            widths.push(w - PAD);
            x += w;
        }
        let wrap_cells = |cells: &[&str], face: Face| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(s, w)| wrap(s, face, BODY, *w))
                .collect()
        };
        let head: Vec<&str> = columns.iter().map(|c| c.heading).collect();
        let head = wrap_cells(&head, Face::Bold);
        let head_h = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * step + 6.0;
        let heading = |doc: &mut Document| {
            doc.table_row(&head, &xs, Face::Bold);
            doc.rule(doc.y + 1.0);
            doc.y -= 2.0;
        };
        self.room(head_h + step);
        heading(self);
        for row in rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            let cells = wrap_cells(&cells, Face::Regular);
            let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * step + 3.0;
            if self.y - h < BOTTOM {
                self.new_page();
                heading(self);
            }
            self.table_row(&cells, &xs, Face::Regular);
        }
        self.y -= 6.0;
    }

    /// The finished file. `footer(n, of)` gives the text at the foot of page `n` of `of`.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> Vec<u8> {
        if !self.page.is_empty() || self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.page));
        }
        let total = self.pages.len();
        let pages: Vec<String> = std::mem::take(&mut self.pages)
            .into_iter()
            .enumerate()
            .map(|(i, mut content)| {
                let foot = footer(i + 1, total);
                let w = text_width(&foot, Face::Regular, 8.0);
                content.push_str(&format!(
                    "BT /F1 8 Tf {:.2} 36 Td {} Tj ET\n",
                    PAGE_W - MARGIN - w,
                    literal(&foot)
                ));
                content.push_str(&format!(
                    "BT /F1 8 Tf {MARGIN:.2} 36 Td {} Tj ET\n",
                    literal(&self.title)
                ));
                content
            })
            .collect();

        // Objects: 1 catalog, 2 page tree, 3 and 4 the fonts, 5 the information, then a page
        // and its content for each page.
        let mut objects: Vec<String> = vec![];
        let kids: Vec<String> = (0..total).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
        let lang = match self.lang {
            Lang::Nb => "nb-NO",
            Lang::En => "en",
        };
        objects.push(format!(
            "<< /Type /Catalog /Pages 2 0 R /Lang ({lang}) /ViewerPreferences << /DisplayDocTitle true >> >>"
        ));
        objects.push(format!(
            "<< /Type /Pages /Kids [{}] /Count {total} >>",
            kids.join(" ")
        ));
        for base in ["Helvetica", "Helvetica-Bold"] {
            objects.push(format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
            ));
        }
        objects.push(format!(
            "<< /Title {} /Producer (Talentflyt) >>",
            info_text(&self.title)
        ));
        for (i, content) in pages.iter().enumerate() {
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            ));
            objects.push(format!(
                "<< /Length {} >>\nstream\n{content}endstream",
                content.len()
            ));
        }
        // All ASCII (text is written in escapes), so the file can travel as text.
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = vec![];
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_are_windows_1252() {
        assert_eq!(
            encode("æøå ÆØÅ – “x” €"),
            b"\xe6\xf8\xe5 \xc6\xd8\xc5 \x96 \x93x\x94 \x80"
        );
        assert_eq!(encode("日本"), b"??");
        // Names outside Windows-1252 keep their base letters.
        assert_eq!(
            encode("Čoavddáš Łukasz Żółć Đorđe Ŋ"),
            encode("Coavddáš Lukasz Zólc Dorde N")
        );
        assert_eq!(literal("(a\\b) ø"), "(\\(a\\\\b\\) \\370)");
    }

    #[test]
    fn widths_follow_helvetica() {
        // "a" is 556/1000 em, "i" 222; bold "A" 722.
        assert!((text_width("ai", Face::Regular, 10.0) - 7.78).abs() < 0.001);
        assert!((text_width("A", Face::Bold, 10.0) - 7.22).abs() < 0.001);
    }

    #[test]
    fn wrapping_keeps_every_word_and_breaks_long_ones() {
        let s = "Sykepleier ved intensivavdelingen på Rikshospitalet";
        let lines = wrap(s, Face::Regular, 10.0, 100.0);
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| text_width(l, Face::Regular, 10.0) <= 100.0));
        assert_eq!(lines.join(" "), s);
        let long = wrap(&"x".repeat(100), Face::Regular, 10.0, 50.0);
        assert!(long.len() > 1);
        assert_eq!(long.concat(), "x".repeat(100));
    }

    #[test]
    fn a_document_has_its_pages_and_a_valid_cross_reference() {
        let mut d = Document::new("Søkerliste", Lang::Nb);
        d.heading("Offentlig søkerliste");
        d.field("Stilling:", "Sykepleier");
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| vec![format!("Navn {i}"), "Oslo".into()])
            .collect();
        d.table(
            &[
                Column {
                    heading: "Navn",
                    share: 0.6,
                },
                Column {
                    heading: "Kommune",
                    share: 0.4,
                },
            ],
            &rows,
        );
        let pdf = d.finish(|n, of| format!("Side {n} av {of}"));
        assert!(pdf.is_ascii());
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.7"));
        assert!(text.contains("/Lang (nb-NO)"));
        let pages: usize = text
            .split("/Count ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        assert!(pages >= 4, "{pages} pages");
        assert!(text.contains(&format!("(Side {pages} av {pages})")));
        // Each offset in the table points at its object.
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|s| s.lines().next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        assert!(pdf[xref_at..].starts_with(b"xref"));
        let table = String::from_utf8(pdf[xref_at..].to_vec()).unwrap();
        for (i, line) in table.lines().skip(3).take(5).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(pdf[off..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
    }
}
