/**
 * Thresholds of the runtime rules, each with the published source it comes from (GUIDELINES.md G7).
 * All are settings (`trainingLens.diagnosis.*`); the defaults are the published values.
 */
export interface DiagnosisSettings {
  /** Θ: gradient-shape findings only while accuracy is below this (AUTOTRAINER gates on it; reproduce.py uses 0.6) */
  targetAccuracy: number;
  /** first/last-layer kernel gradient-norm ratio at or below which gradients vanish (AUTOTRAINER β1) */
  vanishingRatio: number;
  /** first-layer kernel gradient norm at or below which gradients vanish (AUTOTRAINER β2) */
  vanishingFirstNorm: number;
  /** per-element RMS gradient below which a layer's gradient has vanished (SageMaker Debugger: 1e-7) */
  vanishingRms: number;
  /** first/last-layer kernel gradient-norm ratio at or above which gradients explode (AUTOTRAINER β3) */
  explodingRatio: number;
  /** share of a ReLU layer's units dead (DeepDiagnosis / AUTOTRAINER γ: 70%; SageMaker 50%) */
  deadReluFraction: number;
  /** share of sigmoid/tanh outputs saturated (pre-activation beyond ±5) (DeepDiagnosis: 50%) */
  saturatedFraction: number;
  /** consecutive probes a gradient/activation symptom must hold before it is reported */
  persistence: number;
  /** epochs without ≥ lossPlateauRelative improvement before "loss not decreasing" (DeepDiagnosis window: 5) */
  lossPlateauEpochs: number;
  lossPlateauRelative: number;
  /** oscillation: swing size between neighbouring peak and trough (AUTOTRAINER ζ) and their share of epochs (η) */
  oscillationSwing: number;
  oscillationShare: number;
  /** slow convergence: every epoch-to-epoch accuracy change at most this (AUTOTRAINER δ) */
  slowConvergenceDelta: number;
  /** accuracy-history rules start after this share of the planned epochs (AUTOTRAINER judgment point) */
  judgmentPoint: number;
  /** overfitting: (val_loss - loss) / loss above this (SageMaker Debugger Overfit: 0.1) */
  overfitGapRatio: number;
  /** overfitting: epochs the validation loss must stay above its best while training loss falls (UMLAUT compares epoch to epoch) */
  overfitRisingEpochs: number;
  /** inputs whose largest magnitude exceeds this are unnormalized (UMLAUT flags outside [-1, 1]; 10 avoids standardized data) */
  inputMagnitude: number;
  /** first loss off ln(C) by at least this many times ln(C) (TheDeepChecker) */
  initialLossFactor: number;
}

export const DEFAULT_DIAGNOSIS: DiagnosisSettings = {
  targetAccuracy: 0.6,
  vanishingRatio: 1e-3,
  vanishingFirstNorm: 1e-4,
  vanishingRms: 1e-7,
  explodingRatio: 70,
  deadReluFraction: 0.7,
  saturatedFraction: 0.5,
  persistence: 3,
  lossPlateauEpochs: 5,
  lossPlateauRelative: 1e-3,
  oscillationSwing: 0.03,
  oscillationShare: 0.2,
  slowConvergenceDelta: 0.01,
  judgmentPoint: 0.3,
  overfitGapRatio: 0.1,
  overfitRisingEpochs: 2,
  inputMagnitude: 10,
  initialLossFactor: 1,
};

export const RULE_SOURCES = {
  vanishing: 'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: VG; SageMaker Debugger VanishingGradient',
  exploding: 'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: EG',
  nonFinite: 'DeepLocalize (Wardat et al., ICSE 2021): NaN/Inf; AUTOTRAINER EG',
  deadRelu: 'DeepDiagnosis (Wardat et al., ICSE 2022): dead node; AUTOTRAINER DR (γ = 70%)',
  saturated: 'DeepDiagnosis (Wardat et al., ICSE 2022): saturated activation (±5)',
  unchanged: 'DeepDiagnosis (Wardat et al., ICSE 2022): unchanged weight',
  lossFlat: 'DeepDiagnosis (Wardat et al., ICSE 2022): loss not decreasing; SageMaker Debugger LossNotDecreasing',
  oscillating: 'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: OL',
  slow: 'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: SC',
  overfitting: 'UMLAUT (Schoop et al., CHI 2021): possible overfitting; SageMaker Debugger Overfit',
  initialLoss: 'TheDeepChecker (Ben Braiek & Khomh, TOSEM 2022): initial loss vs ln(C)',
  input: 'UMLAUT (Schoop et al., CHI 2021) and DeepDiagnosis: input not normalized',
} as const;
