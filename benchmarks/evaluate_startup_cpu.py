"""CPU seconds of what `privsynth evaluate` pays before its tests, in one process: the CLI/pipeline imports,
the column scan of the survey table (benchmarks/evaluate_speed.py writes it; pass another CSV as argv[1]),
and the battery's imports; and whether the scan loaded a spaCy model or imported spaCy/torch.

  PYTHONPATH=. python benchmarks/evaluate_startup_cpu.py /path/train.csv
  PYTHONPATH=/work/main python benchmarks/evaluate_startup_cpu.py /path/train.csv   # main, for comparison
"""
import resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
c0 = cpu()
import pandas as pd
import privsynth.cli, privsynth.pipeline  # noqa
from privsynth.detect import engine, scan_table
from privsynth.policy.models import Policy
c1 = cpu()
df = pd.read_csv(sys.argv[1])
scan_table(df, Policy())
c2 = cpu()
import privsynth.evaluate, sklearn.ensemble, sklearn.decomposition  # noqa
c3 = cpu()
print(f"imports {c1-c0:.2f} s cpu, scan {c2-c1:.2f} s cpu, evaluate imports {c3-c2:.2f} s; spaCy models loaded: {len(engine._nlp_engines)}; "
      f"torch imported: {'torch' in sys.modules}; spacy imported: {'spacy' in sys.modules}")
