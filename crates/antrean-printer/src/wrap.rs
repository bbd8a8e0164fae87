//! Word wrapping in printer columns.
//!
//! Input is already transliterated, so one `char` is one byte is one column.

/// Wraps `text` into lines of at most `width` columns.
///
/// Breaks at spaces; a word longer than a line is split hard. Continuation lines start with
/// `indent` spaces (a hanging indent for checklist items). At most `max_lines` lines are
/// returned; if the text did not fit, the last line ends in "..." so the cut is visible.
pub fn wrap(text: &str, width: usize, indent: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(4);
    let indent = indent.min(width / 2);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    let mut truncated = false;

    'words: for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let line_width = if lines.is_empty() {
                width
            } else {
                width - indent
            };
            let separator = usize::from(current_len > 0);
            if current_len + separator + word.len() <= line_width {
                if separator > 0 {
                    current.push(' ');
                }
                current.extend(word.iter());
                current_len += separator + word.len();
                continue 'words;
            }
            // A word longer than any following line is split to fill this one.
            if word.len() > width - indent && current_len + separator < line_width {
                let rest = word.split_off(line_width - current_len - separator);
                if separator > 0 {
                    current.push(' ');
                }
                current.extend(word.iter());
                word = rest;
            }
            lines.push(std::mem::take(&mut current));
            current_len = 0;
            if lines.len() >= max_lines {
                truncated = true;
                break 'words;
            }
        }
    }
    if current_len > 0 {
        if lines.len() >= max_lines {
            truncated = true;
        } else {
            lines.push(current);
        }
    }
    lines.truncate(max_lines);
    let line_count = lines.len();
    if truncated && let Some(last) = lines.last_mut() {
        let line_width = if line_count == 1 {
            width
        } else {
            width - indent
        };
        // On absurdly narrow lines there is no room for the ellipsis: just cut.
        let ellipsis = if line_width >= 4 { "..." } else { "" };
        let keep = line_width - ellipsis.len();
        let chars: Vec<char> = last.chars().collect();
        let mut kept: String = chars.iter().take(keep).collect();
        // Prefer cutting at a word boundary when the cut would fall inside a word.
        if chars.len() > keep
            && chars[keep] != ' '
            && let Some(space) = kept.rfind(' ')
            && space > 0
        {
            kept.truncate(space);
        }
        kept.truncate(kept.trim_end().len());
        kept.push_str(ellipsis);
        *last = kept;
    }
    for line in lines.iter_mut().skip(1) {
        line.insert_str(0, &" ".repeat(indent));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            wrap("Dinas Kependudukan dan Pencatatan Sipil", 20, 0, 5),
            ["Dinas Kependudukan", "dan Pencatatan Sipil"]
        );
    }

    #[test]
    fn hanging_indent_and_hard_split() {
        assert_eq!(
            wrap("- abcdefghijkl mn", 8, 2, 5),
            ["- abcdef", "  ghijkl", "  mn"]
        );
    }

    #[test]
    fn truncates_with_ellipsis() {
        assert_eq!(
            wrap("satu dua tiga empat lima enam", 10, 0, 2),
            ["satu dua", "tiga..."]
        );
        assert_eq!(wrap("", 10, 0, 2), Vec::<String>::new());
    }

    #[test]
    fn never_exceeds_width() {
        let text = "Akta kelahiran (asli dan fotokopi) serta surat keterangan pindah datang";
        for width in 4..40 {
            for line in wrap(text, width, 2, 3) {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
        }
    }
}
