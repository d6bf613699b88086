import * as fs from 'fs';
import * as path from 'path';

/** Measured figures, merged into test-results/perf.json (read by the report). */
export function recordPerf(values: Record<string, number | string>): void {
  const file = path.join(__dirname, '..', 'test-results', 'perf.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const old = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : {};
  fs.writeFileSync(file, JSON.stringify({ ...old, ...values }, null, 2));
  console.log('perf', JSON.stringify(values));
}
