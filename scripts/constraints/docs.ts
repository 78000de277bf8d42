/**
 * Writes docs/constraints.md from the constraint catalog: `npm run constraints:docs`. Run it after changing a
 * rule or regenerating the botocore rules file; tests/constraints.test.ts fails while the file is stale.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderConstraintsDoc } from "../../lib/constraints/doc";

const file = path.join(__dirname, "..", "..", "docs", "constraints.md");
writeFileSync(file, renderConstraintsDoc());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
