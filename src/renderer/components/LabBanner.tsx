// Says, on every screen, that the backend runs against the lab: the internet here is simulated.
import { useApp } from '../store/context';

export function LabBanner() {
  const lab = useApp((s) => s.app?.lab ?? null);
  if (!lab) return null;
  return (
    <div className="lab-banner" role="status" data-testid="lab-banner" title={lab.description}>
      <strong>Simulated internet</strong> — lab scenario “{lab.name}”. Scans reach only servers on this machine; every
      address and record you see is part of the scenario.
    </div>
  );
}
