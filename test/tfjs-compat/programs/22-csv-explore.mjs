// tfjs-examples/data-csv: a CSV of mixed text and numbers explored without training — rows
// counted with forEachAsync, columnNames(), one row fetched with skip(i).take(1) (none past the
// end); quoted fields with commas, and an empty cell (the key kept, with no value).
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CSV = [
  'Campus Name,Campus Type,Enrollment,Website,Latitude',
  '"Albany, University at",University Center,17000,http://www.albany.edu,42.68',
  'Binghamton University,University Center,16000,http://www.binghamton.edu,42.09',
  '"Buffalo, University at",University Center,30000,http://www.buffalo.edu,43.0',
  'Cobleskill,Technology College,2400,,42.67',
].join('\n');

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'data-csv-'));
  const url = `file://${join(dir, 'suny.csv')}`;
  writeFileSync(url.slice('file://'.length), CSV);
  let count = 0;
  await tf.data.csv(url).forEachAsync(() => { count += 1; });
  const columns = await tf.data.csv(url).columnNames();
  const first = (await tf.data.csv(url).skip(0).take(1).toArray())[0];
  const last = (await tf.data.csv(url).skip(3).take(1).toArray())[0];
  const beyond = await tf.data.csv(url).skip(9).take(1).toArray();
  return {
    count, columns: columns.join('|'), first: JSON.stringify(first), enrollment: first.Enrollment,
    emptyCell: ['Website' in last, last.Website === undefined, JSON.stringify(last)].join(','), beyond: beyond.length,
  };
}

export const checks = { count: { equal: true }, columns: { equal: true }, first: { equal: true }, enrollment: { equal: true }, emptyCell: { equal: true }, beyond: { equal: true } };
