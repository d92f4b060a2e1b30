//! Regenerating over an earlier output: the change report names each kind of change with the
//! Rust item and the spec pointer, the crate version moves with it, `CHANGELOG.md` gets the
//! report as a new entry, and regenerating from the same spec changes no byte.

use codegen::{Generated, OutputFile, Previous, Settings};

const V1: &str = r##"
openapi: 3.1.0
info: { title: Shop, version: "1" }
servers: [{ url: "https://shop.example.com" }]
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200": { description: Orders., content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Order" } } } } }
  /orders/{id}/refund:
    post:
      operationId: refundOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "204": { description: Refunded. }
components:
  schemas:
    Order:
      type: object
      required: [id, total]
      properties:
        id: { type: string }
        total: { type: integer }
        note: { type: string }
        coupon: { type: string }
        status: { type: string, enum: [open, paid] }
"##;

/// V1 with one change of each kind: an operation removed and one added, a field added and one
/// removed, an enum value added, a field now required, a field of another type.
const V2: &str = r##"
openapi: 3.1.0
info: { title: Shop, version: "2" }
servers: [{ url: "https://shop.example.com" }]
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200": { description: Orders., content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Order" } } } } }
  /orders/{id}/cancel:
    post:
      operationId: cancelOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "204": { description: Cancelled. }
components:
  schemas:
    Order:
      type: object
      required: [id, total, note]
      properties:
        id: { type: string }
        total: { type: number }
        note: { type: string }
        status: { type: string, enum: [open, paid, shipped] }
        gift: { type: boolean }
"##;

/// V2 with only an operation added.
const V3: &str = r##"
openapi: 3.1.0
info: { title: Shop, version: "3" }
servers: [{ url: "https://shop.example.com" }]
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200": { description: Orders., content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Order" } } } } }
  /orders/{id}/cancel:
    post:
      operationId: cancelOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "204": { description: Cancelled. }
  /orders/{id}:
    get:
      operationId: getOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: The order., content: { application/json: { schema: { $ref: "#/components/schemas/Order" } } } }
components:
  schemas:
    Order:
      type: object
      required: [id, total, note]
      properties:
        id: { type: string }
        total: { type: number }
        note: { type: string }
        status: { type: string, enum: [open, paid, shipped] }
        gift: { type: boolean }
"##;

fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

/// What a regeneration reads from the output folder the last one wrote.
fn previous(generated: &Generated) -> Previous {
    let files = &generated.files;
    Previous::from_files(
        Some(file(files, "api.txt").to_owned()),
        Some(file(files, "Cargo.toml")),
        Some(file(files, "CHANGELOG.md").to_owned()),
    )
}

fn generate(text: &str, previous: &Previous) -> Generated {
    codegen::generate_over("shop.yaml", text, &Settings::default(), previous).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn each_kind_of_change_is_reported_and_moves_the_version() {
    let first = generate(V1, &Previous::default());
    assert!(first.report.is_none(), "a first generation has nothing to compare with");
    assert!(file(&first.files, "Cargo.toml").contains("\nversion = \"0.1.0\"\n"));
    assert!(file(&first.files, "CHANGELOG.md").contains("## 0.1.0") && file(&first.files, "CHANGELOG.md").contains("first generation"));
    assert!(
        file(&first.files, "api.txt").contains("fn client.orders().refund(id: &str) -> Call<()>\t# /paths/~1orders~1{id}~1refund/post")
    );

    let second = generate(V2, &previous(&first));
    let report = second.report.as_ref().expect("a report");
    let find = |item: &str| report.changes.iter().find(|c| c.item == item).unwrap_or_else(|| panic!("no {item} in {report:#?}"));
    let expect = |item: &str, change: &str, breaking: bool| {
        let found = find(item);
        assert_eq!((found.change, found.breaking), (change, breaking), "{found:#?}");
        found
    };
    expect("fn client.orders().refund", "removed", true);
    expect("fn client.orders().cancel", "added", false);
    expect("field types::Order.coupon", "removed", true);
    // `Order` only arrives in answers, so it is `#[non_exhaustive]`: a new field breaks nothing.
    assert!(expect("field types::Order.gift", "added", false).note.contains("non_exhaustive"));
    // Enums are `#[non_exhaustive]`: a new value breaks no code, but it arrives differently.
    assert!(expect("variant types::OrderStatus::Shipped", "added", false).note.contains("unknown variant"));
    let note = expect("field types::Order.note", "changed", true);
    assert_eq!((note.old.as_deref(), note.new.as_deref()), (Some(": Option<String>"), Some(": String")));
    assert!(note.note.contains("now required"));
    let total = expect("field types::Order.total", "changed", true);
    assert_eq!((total.old.as_deref(), total.new.as_deref()), (Some(": i64"), Some(": f64")));
    assert_eq!(total.pointer, "/components/schemas/Order");
    expect("struct types::Order", "changed", true);
    assert_eq!(report.changes.len(), 8, "{report:#?}");

    // Breaking on 0.x: the minor moves; the changelog's newest entry comes first.
    assert!(file(&second.files, "Cargo.toml").contains("\nversion = \"0.2.0\"\n"));
    let changelog = file(&second.files, "CHANGELOG.md");
    let (newest, oldest) = (changelog.find("## 0.2.0").unwrap(), changelog.find("## 0.1.0").unwrap());
    assert!(newest < oldest, "{changelog}");
    assert!(changelog.contains("### Breaking changes (5)") && changelog.contains("### Other changes (3)"), "{changelog}");
    assert!(
        changelog.contains("- removed `fn client.orders().refund(id: &str) -> Call<()>` (`/paths/~1orders~1{id}~1refund/post`)"),
        "{changelog}"
    );

    // Only an addition: the patch moves.
    let third = generate(V3, &previous(&second));
    let report = third.report.as_ref().unwrap();
    assert_eq!((report.changes.len(), report.breaking()), (1, 0), "{report:#?}");
    assert!(file(&third.files, "Cargo.toml").contains("\nversion = \"0.2.1\"\n"));
    assert!(file(&third.files, "CHANGELOG.md").starts_with("# Changelog"));

    // The same spec again: no change, the same bytes.
    let again = generate(V3, &previous(&third));
    assert!(again.report.as_ref().unwrap().is_empty());
    assert_eq!(again.files, third.files);
}

#[test]
fn a_users_changelog_is_kept_and_new_entries_go_below_its_unreleased_notes() {
    let first = generate(V1, &Previous::default());
    // A crate from before listings: a changelog of the user's own, and no `api.txt`.
    let own = "# Changelog\n\nOur notes.\n\n## Unreleased\n\n- helpers in src/custom.rs\n\n## 0.1.0\n\nFirst.\n";
    let manifest = file(&first.files, "Cargo.toml");
    let without_listing = Previous::from_files(None, Some(manifest), Some(own.to_owned()));
    let kept = generate(V1, &without_listing);
    assert_eq!(file(&kept.files, "CHANGELOG.md"), own, "nothing to compare with: the changelog stays");

    let with_listing = Previous::from_files(Some(file(&first.files, "api.txt").to_owned()), Some(manifest), Some(own.to_owned()));
    let next = generate(V2, &with_listing);
    let changelog = file(&next.files, "CHANGELOG.md");
    let (unreleased, new, old) =
        (changelog.find("## Unreleased").unwrap(), changelog.find("## 0.2.0").unwrap(), changelog.find("## 0.1.0").unwrap());
    assert!(unreleased < new && new < old, "{changelog}");
    assert!(changelog.starts_with("# Changelog\n\nOur notes.\n"), "{changelog}");
}

#[test]
fn a_field_added_to_a_request_body_is_breaking() {
    let with_body = |extra: &str| {
        V1.replace(
            "  /orders/{id}/refund:",
            &format!("  /notes:\n    post:\n      operationId: addNote\n      requestBody: {{ required: true, content: {{ application/json: {{ schema: {{ type: object, required: [text], properties: {{ text: {{ type: string }}{extra} }} }} }} }} }}\n      responses:\n        \"204\": {{ description: Added. }}\n  /orders/{{id}}/refund:"),
        )
    };
    let first = generate(&with_body(""), &Previous::default());
    let second = generate(&with_body(", pinned: { type: boolean }"), &previous(&first));
    let report = second.report.unwrap();
    let pinned = report.changes.iter().find(|c| c.item == "field types::AddNoteRequest.pinned").unwrap_or_else(|| panic!("{report:#?}"));
    assert!(pinned.breaking && pinned.note.contains("without `..`"), "{pinned:#?}");
}
