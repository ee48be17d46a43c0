//! Which licence a licence file holds, from its text.
//!
//! The text is normalised (lower case; punctuation, Markdown and line breaks as single spaces;
//! copyright lines dropped; `licence` spelled `license`, `Non-Commercial` as `noncommercial`), and
//! each licence is recognised by passages only its own text has, in the words the licence itself
//! uses: the grant and the conditions of MIT and the BSD licences, the title and date line of the
//! GNU licences, the title of a Creative Commons licence as its legal code and its notice write
//! it, the use restrictions of the RAIL licences, the commercial-terms threshold of the Llama
//! community licences. Texts that differ where licences differ are told apart: BSD-2-Clause from
//! BSD-3-Clause by the endorsement clause, MIT from X11 by the advertising clause, CC BY from CC
//! BY-NC by the licence's title. A variant these passages do not settle (a BSD licence with a
//! patent clause, MIT with an advertising clause naming someone else) is not identified.
//!
//! A text none of them matches is unknown: nothing is guessed, and the rules say nothing about it.
//! An `SPDX-License-Identifier:` line (<https://spdx.dev/learn/handling-license-info/>) names the
//! licence too.
//!
//! The passages are short phrases of the licences' own texts, as the SPDX License List publishes
//! them (<https://spdx.org/licenses/>), the Creative Commons legal codes
//! (<https://creativecommons.org/licenses/>), the RAIL licences (<https://www.licenses.ai/>) and
//! the Llama licences (<https://www.llama.com/license/>); no licence text is held here.

/// The most text read: the longest licence texts (GPL-3.0, about 35 KB) fit many times over.
const MAX_TEXT: usize = 1 << 20;

/// The words a text may hold beyond the licences recognised in it (and a tenth more): a title,
/// the project's name, a line on where the licence applies. Licence lengths are those of the
/// SPDX License List's texts, normalised as here.
const SLACK_WORDS: usize = 40;
/// The length of a licence's standard notice (Apache's "Licensed under…" paragraph).
const NOTICE_WORDS: usize = 110;
/// A GNU licence's notice ("This program is free software: …"), with its warranty paragraph.
const GNU_NOTICE_WORDS: usize = 150;
/// A Creative Commons legal code (3.0 and 4.0 run 2,500 to 3,500 words).
const CC_WORDS: usize = 3500;
/// Upper bounds for the AI licences, whose texts the SPDX list does not hold: a Llama licence with
/// its acceptable use policy, a RAIL licence with its attachment, the Gemma terms.
const LLAMA_WORDS: usize = 3000;
const RAIL_WORDS: usize = 6000;
const GEMMA_WORDS: usize = 4000;

/// How a licence was found in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// An `SPDX-License-Identifier:` line.
    Identifier,
    /// The licence's text (or its standard notice).
    Text,
}

/// A licence found in a file: its SPDX id (a Hub id for licences SPDX does not list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub id: String,
    pub source: Source,
}

/// The licences a licence file holds, by its identifier lines and its text; empty when none can be
/// told.
pub(crate) fn identify(text: &str) -> Vec<Found> {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let mut out: Vec<Found> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |id: String, source: Source| {
        if seen.insert(id.clone()) {
            out.push(Found { id, source });
        }
    };
    for id in identifier_lines(text) {
        push(id, Source::Identifier);
    }
    let n = Normalised::new(text);
    for id in n.licences() {
        push(id, Source::Text);
    }
    out
}

/// The ids of the expressions `SPDX-License-Identifier:` lines give: at most `MAX_IDS`, from lines
/// of at most `MAX_ID_LINE` bytes (a longer one is no identifier line anyone wrote).
fn identifier_lines(text: &str) -> Vec<String> {
    const TAG: &str = "spdx-license-identifier:";
    const MAX_IDS: usize = 64;
    const MAX_ID_LINE: usize = 1024;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in text.lines().filter(|l| l.len() <= MAX_ID_LINE) {
        if out.len() >= MAX_IDS {
            break;
        }
        let lower = line.to_ascii_lowercase();
        let Some(at) = lower.find(TAG) else {
            continue;
        };
        let expr = line[at + TAG.len()..]
            .trim()
            .trim_end_matches("*/")
            .trim_end_matches("-->")
            .trim();
        for id in crate::licence::alternatives(expr).into_iter().flatten() {
            let lower = id.to_ascii_lowercase();
            let id = match crate::licence::spdx_id_any_case(&id) {
                Some(canonical) if id.ends_with('+') => format!("{canonical}+"),
                Some(canonical) => canonical.to_string(),
                // A licence of the author's own, or a Hub id; anything else names no licence.
                None if lower.starts_with("licenseref-")
                    || crate::licence::HUB_IDS.contains(&lower.as_str()) =>
                {
                    id
                }
                None => continue,
            };
            if out.len() < MAX_IDS && seen.insert(id.clone()) {
                out.push(id);
            }
        }
    }
    out
}

/// A copyright line (`Copyright (c) 2024 Acme`, `© 2024 Acme`): the holder's name is no part
/// of the licence.
fn is_copyright_line(line: &str) -> bool {
    let l = line
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | '*' | '/' | '>'))
        .to_lowercase();
    if l.starts_with('©') || l.starts_with("(c)") {
        return true;
    }
    let Some(rest) = l.strip_prefix("copyright") else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    rest.starts_with("(c)")
        || rest.starts_with('©')
        || rest.starts_with(|c: char| c.is_ascii_digit())
}

/// What a notice names as what it licenses: the file's own subject, not the data or the code
/// some other sentence is about.
const SUBJECTS: &[&[&str]] = &[
    &["this", "work"],
    &["this", "model"],
    &["this", "dataset"],
    &["this", "repository"],
    &["this", "software"],
    &["this", "project"],
    &["this", "material"],
    &["the", "work"],
    &["the", "model"],
    &["the", "weights"],
    &["the", "model", "weights"],
    &["these", "weights"],
    &["these", "model", "weights"],
];

/// Whether the words before a licence's name are a notice that applies it to the file's subject:
/// "This work is licensed under a …", "The model weights are released under …".
fn applies_to_this(before: &[&str]) -> bool {
    let mut end = before.len();
    if end > 0 && matches!(before[end - 1], "a" | "the") {
        end -= 1;
    }
    let verb = end >= 3
        && before[end - 1] == "under"
        && matches!(before[end - 2], "licensed" | "released" | "distributed")
        && matches!(before[end - 3], "is" | "are");
    verb && SUBJECTS.iter().any(|s| before[..end - 3].ends_with(s))
}

/// A text as words: lower case, one space between words and around the whole, so that a phrase is
/// found as ` phrase ` on word boundaries.
struct Normalised {
    padded: String,
    words: usize,
}

impl Normalised {
    fn new(text: &str) -> Normalised {
        let mut words: Vec<String> = Vec::new();
        for line in text.lines() {
            if is_copyright_line(line)
                || line
                    .to_ascii_lowercase()
                    .contains("spdx-license-identifier:")
            {
                continue;
            }
            let mut word = String::new();
            for c in line.chars() {
                if c.is_alphanumeric() {
                    word.extend(c.to_lowercase());
                    continue;
                }
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                // `RAIL++` is another licence than `RAIL`.
                if c == '+' {
                    words.push("plus".into());
                }
            }
            if !word.is_empty() {
                words.push(word);
            }
        }
        let mut out: Vec<&str> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let next = words.get(i + 1).map(String::as_str);
            let (w, used) = match (words[i].as_str(), next) {
                ("non", Some("commercial")) => ("noncommercial", 2),
                ("share", Some("alike")) => ("sharealike", 2),
                ("no", Some("derivatives" | "derivs")) => ("noderivatives", 2),
                ("noderivs", _) => ("noderivatives", 1),
                ("licence", _) => ("license", 1),
                ("licences", _) => ("licenses", 1),
                ("licenced", _) => ("licensed", 1),
                ("acknowledgement", _) => ("acknowledgment", 1),
                (w, _) => (w, 1),
            };
            out.push(w);
            i += used;
        }
        Normalised {
            words: out.len(),
            padded: format!(" {} ", out.join(" ")),
        }
    }

    /// Whether the text holds `phrase` (normalised words) on word boundaries.
    fn has(&self, phrase: &str) -> bool {
        self.padded.contains(&format!(" {phrase} "))
    }

    /// The licences the text holds, each with the length (in words) of the text or notice it was
    /// recognised by; none when the text is much longer than they are: a file that holds more than
    /// the licences recognised in it (the project's own terms in prose, say, before a third
    /// party's licence) is not identified by the part recognised.
    fn licences(&self) -> Vec<String> {
        let mut found: Vec<(String, usize)> = Vec::new();
        let singles = [
            self.apache(),
            self.mit(),
            self.bsd(),
            self.isc(),
            self.mpl(),
            self.epl(),
            self.eupl(),
            self.zlib(),
            self.boost(),
            self.unlicense(),
            self.cc0(),
            self.rail(),
            self.gemma(),
        ];
        let all = singles
            .into_iter()
            .flatten()
            .map(|(id, n)| (id.to_string(), n))
            .chain(self.gnu().into_iter().map(|(id, n)| (id.to_string(), n)))
            .chain(
                self.llama()
                    .into_iter()
                    .map(|id| (id.to_string(), LLAMA_WORDS)),
            )
            .chain(self.creative_commons());
        for (id, n) in all {
            if !found.iter().any(|(f, _)| *f == id) {
                found.push((id, n));
            }
        }
        let expected: usize = found.iter().map(|(_, n)| n).sum();
        if self.words > expected + expected / 10 + SLACK_WORDS {
            return Vec::new();
        }
        found.into_iter().map(|(id, _)| id).collect()
    }

    fn apache(&self) -> Option<(&'static str, usize)> {
        if self.has("apache license version 2 0 january 2004")
            && self.has("terms and conditions for use reproduction and distribution")
        {
            return Some(("Apache-2.0", 1564));
        }
        (self.has("licensed under the apache license version 2 0")
            && self.has("you may not use this file except in compliance with the license"))
        .then_some(("Apache-2.0", NOTICE_WORDS))
    }

    /// MIT, its no-attribution form MIT-0, and X11 (MIT with the X Consortium's advertising
    /// clause), each with MIT's grant and disclaimer. MIT with another advertising clause, or
    /// JSON's "Good, not Evil", is another licence.
    fn mit(&self) -> Option<(&'static str, usize)> {
        let grant = self.has("permission is hereby granted free of charge to any person obtaining a copy of this software")
            && self.has("merge publish distribute sublicense and or sell copies of the software");
        // A choice of law is a term MIT does not have.
        if !grant
            || !self.has("the software is provided as is without warranty of any kind")
            || self.has("governed")
        {
            return None;
        }
        let conditions = self.has("furnished to do so subject to the following conditions");
        let notice = self.has("the above copyright notice and this permission notice shall be included in all copies or substantial portions of the software");
        if conditions && notice {
            if self.has("except as contained in this notice the name of the x consortium shall not be used in advertising") {
                return Some(("X11", 212));
            }
            if self.has("except as contained in this notice the name")
                || self.has("shall be used for good not evil")
            {
                return None;
            }
            return Some(("MIT", 165));
        }
        (!conditions && !notice && self.has("furnished to do so the software is provided as is"))
            .then_some(("MIT-0", 145))
    }

    /// BSD-2-Clause, BSD-3-Clause (the endorsement clause), BSD-4-Clause (the advertising
    /// clause) and BSD-3-Clause-Clear (no patent licence), each with the BSD disclaimer. Other
    /// variants (a patent grant, the FreeBSD documentation clause, a nuclear-facility clause) are
    /// not identified.
    fn bsd(&self) -> Option<(&'static str, usize)> {
        let grant = self.has("redistribution and use in source and binary forms with or without modification are permitted provided that the following conditions are met");
        let source = self.has("redistributions of source code must retain the above copyright notice this list of conditions and the following disclaimer")
            && !self.has("first lines of this file");
        let binary =
            self.has("redistributions in binary form must reproduce the above copyright notice");
        let disclaimer = self.has("implied warranties of merchantability and fitness for a particular purpose are disclaimed");
        if !(grant && source && binary && disclaimer) || self.has("governed") {
            return None;
        }
        let endorse = self.has("to endorse or promote products derived from this software");
        let advertising =
            self.has("all advertising materials mentioning features or use of this software");
        let clear = self.has("no express or implied licenses to any party s patent rights are granted by this license");
        let variant = ((self.has("patent") || self.has("patents")) && !clear)
            || self.has("the views and conclusions contained in the software")
            || self.has("nuclear facility")
            || self.has(
                "redistributions of any form whatsoever must retain the following acknowledgment",
            );
        match (endorse, advertising, clear, variant) {
            (true, false, true, _) => Some(("BSD-3-Clause-Clear", 240)),
            (_, _, _, true) => None,
            (true, true, false, false) => Some(("BSD-4-Clause", 235)),
            (true, false, false, false) => Some(("BSD-3-Clause", 217)),
            (false, false, false, false) => Some(("BSD-2-Clause", 186)),
            _ => None,
        }
    }

    /// ISC, and 0BSD (the same grant without its condition), each with their disclaimer.
    fn isc(&self) -> Option<(&'static str, usize)> {
        let grant = self.has("permission to use copy modify and or distribute this software for any purpose with or without fee is hereby granted")
            || self.has("permission to use copy modify and distribute this software for any purpose with or without fee is hereby granted");
        if !grant
            || !self.has("all warranties with regard to this software including all implied warranties of merchantability and fitness")
            || self.has("governed")
        {
            return None;
        }
        if self.has("provided that the above copyright notice and this permission notice appear in all copies") {
            return Some(("ISC", 112));
        }
        self.has(
            "for any purpose with or without fee is hereby granted the software is provided as is",
        )
        .then_some(("0BSD", 98))
    }

    fn mpl(&self) -> Option<(&'static str, usize)> {
        if self.has("mozilla public license version 2 0")
            && self.has("means each individual or legal entity that creates contributes to the creation of or owns covered software")
        {
            return Some(("MPL-2.0", 2414));
        }
        self.has(
            "this source code form is subject to the terms of the mozilla public license v 2 0",
        )
        .then_some(("MPL-2.0", NOTICE_WORDS))
    }

    fn epl(&self) -> Option<(&'static str, usize)> {
        if !self.has(
            "the accompanying program is provided under the terms of this eclipse public license",
        ) {
            return None;
        }
        if self.has("eclipse public license v 2 0") {
            Some(("EPL-2.0", 2161))
        } else if self.has("eclipse public license v 1 0") {
            Some(("EPL-1.0", 1718))
        } else {
            None
        }
    }

    fn eupl(&self) -> Option<(&'static str, usize)> {
        (self.has("european union public license v 1 2")
            && self.has("this european union public license the eupl applies to the work"))
        .then_some(("EUPL-1.2", 2239))
    }

    fn zlib(&self) -> Option<(&'static str, usize)> {
        (self.has("this software is provided as is without any express or implied warranty")
            && self.has("an acknowledgment in the product documentation would be appreciated but is not required")
            && self.has("altered source versions must be plainly marked as such and must not be misrepresented as being the original software"))
        .then_some(("Zlib", 135))
    }

    fn boost(&self) -> Option<(&'static str, usize)> {
        if self.has("boost software license version 1 0 august 17th 2003") {
            return Some(("BSL-1.0", 214));
        }
        self.has("distributed under the boost software license version 1 0")
            .then_some(("BSL-1.0", NOTICE_WORDS))
    }

    fn unlicense(&self) -> Option<(&'static str, usize)> {
        (self.has("this is free and unencumbered software released into the public domain")
            && self.has("anyone is free to copy modify publish use compile sell or distribute this software")
            && self.has("dedicate any and all copyright interest in the software to the public domain"))
        .then_some(("Unlicense", 200))
    }

    fn cc0(&self) -> Option<(&'static str, usize)> {
        (self.has("cc0 1 0 universal") && self.has("statement of purpose"))
            .then_some(("CC0-1.0", 1088))
    }

    /// The GNU licences by their title and date line with the verbatim-copying notice every one
    /// of them carries, or by the notice that applies one ("… as published by the Free Software
    /// Foundation, either version 3 of the License …").
    fn gnu(&self) -> Vec<(&'static str, usize)> {
        const TITLES: &[(&str, &str, usize)] = &[
            (
                "gnu general public license version 2 june 1991",
                "GPL-2.0",
                2923,
            ),
            (
                "gnu general public license version 3 29 june 2007",
                "GPL-3.0",
                5684,
            ),
            (
                "gnu library general public license version 2 june 1991",
                "LGPL-2.0",
                4199,
            ),
            (
                "gnu lesser general public license version 2 1 february 1999",
                "LGPL-2.1",
                4400,
            ),
            (
                "gnu lesser general public license version 3 29 june 2007",
                "LGPL-3.0",
                1231,
            ),
            (
                "gnu affero general public license version 3 19 november 2007",
                "AGPL-3.0",
                5564,
            ),
            (
                "gnu free documentation license version 1 2 november 2002",
                "GFDL-1.2",
                3244,
            ),
            (
                "gnu free documentation license version 1 3 3 november 2008",
                "GFDL-1.3",
                3668,
            ),
        ];
        const NOTICES: &[(&str, &str)] = &[
            (
                "gnu general public license as published by the free software foundation either version 2 of the license",
                "GPL-2.0",
            ),
            (
                "gnu general public license version 2 as published by the free software foundation",
                "GPL-2.0",
            ),
            (
                "gnu general public license as published by the free software foundation either version 3 of the license",
                "GPL-3.0",
            ),
            (
                "gnu library general public license as published by the free software foundation either version 2 of the license",
                "LGPL-2.0",
            ),
            (
                "gnu lesser general public license as published by the free software foundation either version 2 1 of the license",
                "LGPL-2.1",
            ),
            (
                "gnu lesser general public license as published by the free software foundation either version 3 of the license",
                "LGPL-3.0",
            ),
            (
                "gnu affero general public license as published by the free software foundation either version 3 of the license",
                "AGPL-3.0",
            ),
        ];
        let mut out: Vec<(&'static str, usize)> = Vec::new();
        if self.has("everyone is permitted to copy and distribute verbatim copies of this license document but changing it is not allowed") {
            out.extend(TITLES.iter().filter(|(p, _, _)| self.has(p)).map(|(_, id, n)| (*id, *n)));
        }
        for (p, id) in NOTICES {
            if self.has(p) && !out.iter().any(|(o, _)| o == id) {
                out.push((id, GNU_NOTICE_WORDS));
            }
        }
        out
    }

    /// The RAIL family by its use restrictions (Attachment A), then which one by its title; a
    /// RAIL licence with no title known here is the Hub's `openrail`.
    fn rail(&self) -> Option<(&'static str, usize)> {
        if !(self.has("use based restrictions") && self.has("attachment a use restrictions")) {
            return None;
        }
        const TITLES: &[(&str, &str)] = &[
            ("creativeml open rail plus plus m", "openrail++"),
            ("creativeml open rail m", "creativeml-openrail-m"),
            ("bigscience open rail m", "bigscience-openrail-m"),
            ("bigscience rail license v1 0", "bigscience-bloom-rail-1.0"),
            ("bigcode open rail m", "bigcode-openrail-m"),
        ];
        let id = TITLES
            .iter()
            .find(|(p, _)| self.has(p))
            .map_or("openrail", |(_, id)| id);
        Some((id, RAIL_WORDS))
    }

    /// The Llama community licences by their title, with the commercial-terms threshold they all
    /// carry.
    fn llama(&self) -> Vec<&'static str> {
        if !self.has("700 million monthly active users") {
            return Vec::new();
        }
        [
            ("llama 2 community license agreement", "llama2"),
            ("llama 3 community license agreement", "llama3"),
            ("llama 3 1 community license agreement", "llama3.1"),
            ("llama 3 2 community license agreement", "llama3.2"),
            ("llama 3 3 community license agreement", "llama3.3"),
            ("llama 4 community license agreement", "llama4"),
        ]
        .into_iter()
        .filter(|(p, _)| self.has(p))
        .map(|(_, id)| id)
        .collect()
    }

    fn gemma(&self) -> Option<(&'static str, usize)> {
        (self.has("gemma terms of use") && self.has("gemma services"))
            .then_some(("gemma", GEMMA_WORDS))
    }

    /// The Creative Commons BY family, from the licence's title where the legal code gives it
    /// ("Creative Commons Attribution-NonCommercial 4.0 International Public License", "Creative
    /// Commons Legal Code Attribution 3.0 Unported") or where a notice applies it to the file's
    /// subject ("This work is licensed under a Creative Commons Attribution 4.0 International
    /// License", "The model weights are licensed under CC BY-NC 4.0"). A title merely mentioned in
    /// other prose is not the licence of the file.
    fn creative_commons(&self) -> Vec<(String, usize)> {
        let w = self.padded.split_whitespace().collect::<Vec<_>>();
        let mut out: Vec<(String, usize)> = Vec::new();
        for i in 0..w.len() {
            let (mut j, legal_code, short) =
                if w[i..].starts_with(&["creative", "commons", "legal", "code", "attribution"]) {
                    (i + 5, true, false)
                } else if w[i..].starts_with(&["creative", "commons", "attribution"]) {
                    (i + 3, false, false)
                } else if w[i..].starts_with(&["cc", "by"]) {
                    (i + 2, false, true)
                } else {
                    continue;
                };
            let (mut nc, mut sa, mut nd) = (false, false, false);
            while let Some(m) = w.get(j) {
                match (*m, short) {
                    ("noncommercial", false) | ("nc", true) => nc = true,
                    ("sharealike", false) | ("sa", true) => sa = true,
                    ("noderivatives", false) | ("nd", true) => nd = true,
                    _ => break,
                }
                j += 1;
            }
            let digit = |x: Option<&&str>| {
                x.is_some_and(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit())
            };
            if !(digit(w.get(j)) && digit(w.get(j + 1))) {
                continue;
            }
            let (major, minor) = (w[j], w[j + 1]);
            let ported = matches!(
                w.get(j + 2),
                Some(&("international" | "unported" | "generic"))
            );
            let title = ported && w[j + 3..].starts_with(&["public", "license"]);
            let notice = applies_to_this(&w[..i]) && (ported || short);
            if !((legal_code && ported) || title || notice) || (sa && nd) {
                continue;
            }
            let id = format!(
                "CC-BY{}{}{}-{major}.{minor}",
                if nc { "-NC" } else { "" },
                if nd { "-ND" } else { "" },
                if sa { "-SA" } else { "" },
            );
            if let Some(id) = crate::licence::spdx_id_any_case(&id)
                && !out.iter().any(|(o, _)| o == id)
            {
                let n = if notice && !title && !legal_code {
                    NOTICE_WORDS
                } else {
                    CC_WORDS
                };
                out.push((id.to_string(), n));
            }
        }
        out
    }
}

/// Whether a licence key (see `licence::key`) is one this matcher can recognise: a file holding a
/// licence it cannot recognise may hold that one, so a card naming it is not compared.
pub(crate) fn recognisable(key: &str) -> bool {
    const KNOWN: &[&str] = &[
        "apache-2.0",
        "mit",
        "mit-0",
        "x11",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-4-clause",
        "bsd-3-clause-clear",
        "isc",
        "0bsd",
        "mpl-2.0",
        "epl-1.0",
        "epl-2.0",
        "eupl-1.2",
        "zlib",
        "bsl-1.0",
        "unlicense",
        "cc0-1.0",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl-2.0",
        "lgpl-2.1",
        "lgpl-3.0",
        "agpl-3.0",
        "gfdl-1.2",
        "gfdl-1.3",
        "openrail",
        "openrail++",
        "creativeml-openrail-m",
        "bigscience-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "llama4",
        "gemma",
        "bsd",
        "gpl",
        "lgpl",
        "gfdl",
        "cc",
    ];
    KNOWN.contains(&key) || (key.starts_with("cc-by") && !key.contains("-igo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        identify(text).into_iter().map(|f| f.id).collect()
    }

    /// Short excerpts in the licences' own words (the passages the matcher reads, laid out as
    /// licence files lay them out), not the licences' texts.
    const APACHE: &str = "                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions. [...]";

    const APACHE_NOTICE: &str = "Copyright 2024 Acme Corp.

Licensed under the Apache License, Version 2.0 (the \"License\");
you may not use this file except in compliance with the License.";

    const MIT: &str = "MIT License

Copyright (c) 2024 Acme Corp.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, [...] merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND [...]";

    const BSD_2: &str = "Copyright (c) 2024, Acme Corp.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice,
   this list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. [...]";

    const BSD_3_CLAUSE: &str = "3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.";

    #[test]
    fn permissive_licences() {
        assert_eq!(ids(APACHE), ["Apache-2.0"]);
        assert_eq!(ids(APACHE_NOTICE), ["Apache-2.0"]);
        assert_eq!(ids(MIT), ["MIT"]);
        assert_eq!(ids(BSD_2), ["BSD-2-Clause"]);
        let bsd3 = BSD_2.replace("THIS SOFTWARE", &format!("{BSD_3_CLAUSE}\n\nTHIS SOFTWARE"));
        assert_eq!(ids(&bsd3), ["BSD-3-Clause"]);
        let isc = "Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED \"AS IS\" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS
SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. [...]";
        assert_eq!(ids(isc), ["ISC"]);
        let zero_bsd = "Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted.

THE SOFTWARE IS PROVIDED \"AS IS\" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS
SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. [...]";
        assert_eq!(ids(zero_bsd), ["0BSD"]);
        let unlicense = "This is free and unencumbered software released into the public domain.

Anyone is free to copy, modify, publish, use, compile, sell, or
distribute this software, either in source code form or as a compiled
binary, for any purpose, commercial or non-commercial, and by any means.

In jurisdictions that recognize copyright laws, the author or authors
of this software dedicate any and all copyright interest in the
software to the public domain. [...]";
        assert_eq!(ids(unlicense), ["Unlicense"]);
        let boost = "Distributed under the Boost Software License, Version 1.0.";
        assert_eq!(ids(boost), ["BSL-1.0"]);
    }

    #[test]
    fn near_misses_are_told_apart_or_left_unknown() {
        // MIT with the X Consortium's advertising clause is X11; with another holder's, a variant.
        let x11 = format!(
            "{MIT}\n\nExcept as contained in this notice, the name of the X Consortium shall not be used in advertising or otherwise to promote the sale, use or other dealings in this Software without prior written authorization from the X Consortium."
        );
        assert_eq!(ids(&x11), ["X11"]);
        let x11ish = format!(
            "{MIT}\n\nExcept as contained in this notice, the name of Acme Corp. shall not be used in advertising or otherwise to promote the sale of this Software."
        );
        assert_eq!(ids(&x11ish), Vec::<String>::new());
        let json = MIT.replace(
            "copies or substantial portions of the Software.",
            "copies or substantial portions of the Software.\n\nThe Software shall be used for Good, not Evil.",
        );
        assert!(ids(&json).is_empty(), "{:?}", ids(&json));
        // MIT-0: the grant without the condition.
        let mit0 = "Permission is hereby granted, free of charge, to any person obtaining a copy of
this software [...] merge, publish, distribute, sublicense, and/or sell copies of the Software,
and to permit persons to whom the Software is furnished to do so.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND";
        assert_eq!(ids(mit0), ["MIT-0"]);
        // The BSD clauses: a fourth (advertising) clause, a patent grant, the Clear variant.
        let bsd3 = BSD_2.replace("THIS SOFTWARE", &format!("{BSD_3_CLAUSE}\n\nTHIS SOFTWARE"));
        let bsd4 = BSD_2.replace(
            "THIS SOFTWARE",
            &format!(
                "3. All advertising materials mentioning features or use of this software must display the following acknowledgement: This product includes software developed by Acme.\n\n{BSD_3_CLAUSE}\n\nTHIS SOFTWARE"
            ),
        );
        assert_eq!(ids(&bsd4), ["BSD-4-Clause"]);
        let patent = format!(
            "{BSD_2}\n\nSubject to the terms and conditions of this license, each copyright holder and each contributor hereby grants [...] a patent license to make, use, sell [...]"
        );
        assert!(ids(&patent).is_empty());
        let clear = BSD_2.replace(
            "THIS SOFTWARE",
            &format!(
                "{BSD_3_CLAUSE}\n\nNO EXPRESS OR IMPLIED LICENSES TO ANY PARTY'S PATENT RIGHTS ARE GRANTED BY THIS LICENSE. THIS SOFTWARE"
            ),
        );
        assert_eq!(ids(&clear), ["BSD-3-Clause-Clear"]);
        // A file that holds much more than the licence found in it (the project's own terms in
        // prose, then a third party's licence it vendors) is not identified by that licence.
        let vendored = format!(
            "{}\n\nsrc/parse.rs is based on code under this licence:\n\n{bsd3}",
            "This project is dual licensed; see the LICENSE-A and LICENSE-B files for its terms. "
                .repeat(15)
        );
        assert!(ids(&vendored).is_empty(), "{:?}", ids(&vendored));
        // Only one of the two BSD conditions: not identified.
        let half = BSD_2.replace("Redistributions in binary form must", "Binaries must");
        assert!(ids(&half).is_empty());
        // A mention of a licence in other prose is not the licence.
        let mention = "This model card was written with a template that is available under CC BY 4.0; the model's own terms are in TERMS.md. Parts of the tokenizer are Apache License, Version 2.0 code.";
        assert!(ids(mention).is_empty(), "{:?}", ids(mention));
    }

    #[test]
    fn creative_commons_by_its_title() {
        let legal = |name: &str| {
            format!(
                "{name} 4.0 International\n\n=======================================================================\n\nCreative Commons Corporation (\"Creative Commons\") is not a law firm [...]\n\nCreative Commons {name} 4.0 International Public License\n\nBy exercising the Licensed Rights (defined below), You accept and agree to be bound by the terms and conditions of this Creative Commons {name} 4.0 International Public License (\"Public License\")."
            )
        };
        assert_eq!(ids(&legal("Attribution")), ["CC-BY-4.0"]);
        assert_eq!(ids(&legal("Attribution-ShareAlike")), ["CC-BY-SA-4.0"]);
        assert_eq!(ids(&legal("Attribution-NonCommercial")), ["CC-BY-NC-4.0"]);
        assert_eq!(
            ids(&legal("Attribution-NonCommercial-ShareAlike")),
            ["CC-BY-NC-SA-4.0"]
        );
        assert_eq!(ids(&legal("Attribution-NoDerivatives")), ["CC-BY-ND-4.0"]);
        assert_eq!(
            ids(&legal("Attribution-NonCommercial-NoDerivatives")),
            ["CC-BY-NC-ND-4.0"]
        );
        // Written "Non-Commercial", and as a notice.
        assert_eq!(
            ids(
                "This work is licensed under a Creative Commons Attribution-Non-Commercial 4.0 International License."
            ),
            ["CC-BY-NC-4.0"]
        );
        assert_eq!(
            ids("The model weights are licensed under CC BY-NC-SA 4.0."),
            ["CC-BY-NC-SA-4.0"]
        );
        // A notice about something else than the file's subject is a mention.
        assert!(
            ids("This model is ours. The training data is licensed under CC BY-NC 4.0.").is_empty()
        );
        assert_eq!(
            ids(
                "Creative Commons Legal Code\n\nAttribution-ShareAlike 3.0 Unported\n\nCREATIVE COMMONS CORPORATION IS NOT A LAW FIRM"
            ),
            ["CC-BY-SA-3.0"]
        );
        let cc0 = "Creative Commons Legal Code\n\nCC0 1.0 Universal\n\n    CREATIVE COMMONS CORPORATION IS NOT A LAW FIRM [...]\n\nStatement of Purpose\n\nThe laws of most jurisdictions [...]";
        assert_eq!(ids(cc0), ["CC0-1.0"]);
    }

    #[test]
    fn copyleft_licences() {
        let gnu = |title: &str, date: &str| {
            format!(
                "                    {title}\n                       {date}\n\n Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>\n Everyone is permitted to copy and distribute verbatim copies\n of this license document, but changing it is not allowed.\n\n                            Preamble"
            )
        };
        assert_eq!(
            ids(&gnu(
                "GNU GENERAL PUBLIC LICENSE",
                "Version 3, 29 June 2007"
            )),
            ["GPL-3.0"]
        );
        assert_eq!(
            ids(&gnu("GNU GENERAL PUBLIC LICENSE", "Version 2, June 1991")),
            ["GPL-2.0"]
        );
        assert_eq!(
            ids(&gnu(
                "GNU LESSER GENERAL PUBLIC LICENSE",
                "Version 3, 29 June 2007"
            )),
            ["LGPL-3.0"]
        );
        assert_eq!(
            ids(&gnu(
                "GNU LESSER GENERAL PUBLIC LICENSE",
                "Version 2.1, February 1999"
            )),
            ["LGPL-2.1"]
        );
        assert_eq!(
            ids(&gnu(
                "GNU AFFERO GENERAL PUBLIC LICENSE",
                "Version 3, 19 November 2007"
            )),
            ["AGPL-3.0"]
        );
        // The title without the GNU header around it is a mention.
        assert!(
            ids("We considered the GNU General Public License, Version 3, 29 June 2007.")
                .is_empty()
        );
        let notice = "This program is free software: you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.";
        assert_eq!(ids(notice), ["GPL-3.0"]);
        let mpl = "This Source Code Form is subject to the terms of the Mozilla Public
License, v. 2.0. If a copy of the MPL was not distributed with this
file, You can obtain one at https://mozilla.org/MPL/2.0/.";
        assert_eq!(ids(mpl), ["MPL-2.0"]);
        let mpl_text = "Mozilla Public License Version 2.0\n==================================\n\n1. Definitions\n--------------\n\n1.1. \"Contributor\"\n    means each individual or legal entity that creates, contributes to\n    the creation of, or owns Covered Software.";
        assert_eq!(ids(mpl_text), ["MPL-2.0"]);
        let eupl = "EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016\n\nThis European Union Public Licence (the 'EUPL') applies to the Work (as defined below) which is provided under the terms of this Licence.";
        assert_eq!(ids(eupl), ["EUPL-1.2"]);
    }

    #[test]
    fn ai_model_licences() {
        let rail = |title: &str| {
            format!(
                "{title}\n\nSection I: PRELIMINARY CONSIDERATIONS\n[...]\n5. Use-based restrictions. The restrictions set forth in Attachment A are considered Use-based restrictions. [...]\n\nAttachment A\n\nUse Restrictions\n\nYou agree not to use the Model or Derivatives of the Model: [...]"
            )
        };
        assert_eq!(
            ids(&rail("CreativeML Open RAIL-M\ndated August 22, 2022")),
            ["creativeml-openrail-m"]
        );
        assert_eq!(
            ids(&rail(
                "CreativeML Open RAIL++-M License\ndated July 26, 2023"
            )),
            ["openrail++"]
        );
        assert_eq!(
            ids(&rail(
                "BigScience Open RAIL-M License\ndated August 18, 2022"
            )),
            ["bigscience-openrail-m"]
        );
        assert_eq!(
            ids(&rail("BigScience RAIL License v1.0\ndated May 19, 2022")),
            ["bigscience-bloom-rail-1.0"]
        );
        assert_eq!(
            ids(&rail("BigCode Open RAIL-M v1 License Agreement")),
            ["bigcode-openrail-m"]
        );
        assert_eq!(ids(&rail("Acme Open RAIL-M")), ["openrail"]);
        let llama = |title: &str| {
            format!(
                "{title}\n\n[...]\n2. Additional Commercial Terms. If, on the version release date, the monthly active users of the products or services made available by or for Licensee, or Licensee's affiliates, is greater than 700 million monthly active users in the preceding calendar month, you must request a license from Meta [...]"
            )
        };
        assert_eq!(
            ids(&llama("LLAMA 2 COMMUNITY LICENSE AGREEMENT")),
            ["llama2"]
        );
        assert_eq!(
            ids(&llama("META LLAMA 3 COMMUNITY LICENSE AGREEMENT")),
            ["llama3"]
        );
        assert_eq!(
            ids(&llama("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT")),
            ["llama3.1"]
        );
        assert_eq!(
            ids(&llama("Llama 3.3 Community License Agreement")),
            ["llama3.3"]
        );
        // The title without the licence's terms: a model card saying what it is built on.
        assert!(
            ids("Built with Llama. Use is subject to the Llama 3.1 Community License Agreement.")
                .is_empty()
        );
    }

    /// A file of identifier lines by the thousand is read for the first few ids, and a line no one
    /// wrote by hand (a megabyte long) for none.
    #[test]
    fn identifier_floods_are_cut_short() {
        let one_line = format!(
            "SPDX-License-Identifier: {}\n",
            (0..60_000)
                .map(|i| format!("LicenseRef-{i}"))
                .collect::<Vec<_>>()
                .join(" OR ")
        );
        assert!(identifier_lines(&one_line).is_empty());
        let many: String = (0..60_000)
            .map(|i| format!("SPDX-License-Identifier: LicenseRef-{i}\n"))
            .collect();
        let ids = identifier_lines(&many);
        assert_eq!(ids.len(), 64);
        assert_eq!(ids[0], "LicenseRef-0");
    }

    #[test]
    fn identifier_lines_and_what_is_unknown() {
        let f = identify("SPDX-License-Identifier: Apache-2.0 OR mit\n");
        assert_eq!(
            f,
            [
                Found {
                    id: "Apache-2.0".into(),
                    source: Source::Identifier
                },
                Found {
                    id: "MIT".into(),
                    source: Source::Identifier
                }
            ]
        );
        assert_eq!(
            ids("<!-- SPDX-License-Identifier: CC-BY-4.0 -->"),
            ["CC-BY-4.0"]
        );
        assert_eq!(
            ids("# SPDX-License-Identifier: LicenseRef-Acme"),
            ["LicenseRef-Acme"]
        );
        // A licence of one's own, an empty file, a file of noise: unknown.
        assert!(ids("Acme Model Licence\n\nYou may use the model inside Acme only. All other use requires a written agreement with Acme Corp.").is_empty());
        assert!(ids("").is_empty());
        assert!(ids("\n\n   \n").is_empty());
        assert!(ids(&"+(){}[]".repeat(10_000)).is_empty());
        // A licence spelt the British way reads the same.
        assert_eq!(
            ids(
                "Licenced under the Apache Licence, Version 2.0 (the \"Licence\");\nyou may not use this file except in compliance with the Licence."
            ),
            ["Apache-2.0"]
        );
    }
}
