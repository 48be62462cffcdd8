/** Everything one run measures: what the report writer and `--json` print. */
import type { DateRange } from '../../dashboard/src/lib/clinic-calendar.js';
import type { BenchArgs } from './args.js';
import type { LoadFigures } from './load.js';
import type { IdleCost, NewPaymentCost } from './refresh.js';
import type { ClinicSuite } from './suite.js';
import type { ColdStart } from './startup.js';

export interface BenchResults {
  args: BenchArgs;
  argv: string[];
  startedAt: string;
  totalSeconds: number;
  machine: {
    label: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    mariadb: string;
    cube: string;
    cubeMode: string;
    commit: string;
    dirty: boolean;
    /** model/ differed from the commit when the run started. */
    modelDirty: boolean;
  };
  data: { reused: boolean; seedSeconds: number | null; rowsByTable: Record<string, number>; clinics: number };
  defaultRange: DateRange;
  refreshEverySeconds: number;
  coldStart: Omit<ColdStart, 'server' | 'rssAtReadyMb'>;
  noCacheCheck: string | null;
  suites: ClinicSuite[];
  idle: IdleCost | null;
  newPayment: NewPaymentCost | null;
  load: LoadFigures[];
  memory: { atReadyMb: number; afterLoadMb: [number, number][]; peakMb: number };
}
