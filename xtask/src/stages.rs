//! The stages of `cargo xtask test`, timed one by one, and the table of them printed at the end:
//! stage, seconds, ok or failed. The full run takes long enough on a small machine that where
//! the time went is worth a glance every time, and a stage that failed shows in the same table.

use std::time::Instant;

/// One finished stage.
struct Row {
    name: String,
    seconds: f64,
    ok: bool,
    /// A part of the stage above it (the whole-spec steps), printed indented.
    part: bool,
}

/// The stages run so far, in order.
#[derive(Default)]
pub(crate) struct Stages {
    rows: Vec<Row>,
}

impl Stages {
    /// Runs one stage and records how long it took and whether it passed; an error counts as
    /// failed and is passed on.
    pub(crate) fn run(&mut self, name: &str, stage: impl FnOnce(&mut Stages) -> anyhow::Result<bool>) -> anyhow::Result<bool> {
        let started = Instant::now();
        let at = self.rows.len();
        let result = stage(self);
        let ok = matches!(result, Ok(true));
        // Parts recorded while the stage ran come after it in the table.
        self.rows.insert(at, Row { name: name.to_owned(), seconds: started.elapsed().as_secs_f64(), ok, part: false });
        result
    }

    /// Records a part of the running stage that was timed elsewhere.
    pub(crate) fn part(&mut self, name: &str, seconds: f64, ok: bool) {
        self.rows.push(Row { name: name.to_owned(), seconds, ok, part: true });
    }

    /// The table, one line per stage, with the total of the top-level stages.
    pub(crate) fn table(&self) -> String {
        let label = |row: &Row| if row.part { format!("  {}", row.name) } else { row.name.clone() };
        let width = self.rows.iter().map(|row| label(row).chars().count()).max().unwrap_or(0).max("stage".len());
        let mut out = format!("{:<width$}  {:>8}  result\n", "stage", "seconds");
        for row in &self.rows {
            out.push_str(&format!("{:<width$}  {:>8.1}  {}\n", label(row), row.seconds, if row.ok { "ok" } else { "FAILED" }));
        }
        let total: f64 = self.rows.iter().filter(|row| !row.part).map(|row| row.seconds).sum();
        out.push_str(&format!("{:<width$}  {:>8.1}\n", "total", total));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_stages_in_order_with_their_parts_and_failures() {
        let mut stages = Stages::default();
        assert!(stages.run("first", |_| Ok(true)).unwrap());
        let failed = stages.run("second", |stages| {
            stages.part("a part", 1.5, true);
            stages.part("another part", 2.0, false);
            Ok(false)
        });
        assert!(!failed.unwrap());
        assert!(stages.run("third", |_| anyhow::bail!("broken")).is_err());

        let table = stages.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 7, "{table}");
        assert!(lines[0].starts_with("stage") && lines[0].ends_with("seconds  result"), "{table}");
        assert!(lines[1].starts_with("first ") && lines[1].ends_with(" ok"), "{table}");
        assert!(lines[2].starts_with("second ") && lines[2].ends_with(" FAILED"), "{table}");
        assert!(lines[3].starts_with("  a part ") && lines[3].ends_with("     1.5  ok"), "{table}");
        assert!(lines[4].starts_with("  another part ") && lines[4].ends_with("     2.0  FAILED"), "{table}");
        assert!(lines[5].starts_with("third ") && lines[5].ends_with(" FAILED"), "an error is a failed stage: {table}");
        // Parts are inside their stage's time, so only top-level stages add up to the total.
        assert!(lines[6].starts_with("total "), "{table}");
        let total: f64 = lines[6].split_whitespace().last().unwrap().parse().unwrap();
        assert!(total < 1.0, "parts are not counted twice: {table}");
    }
}
