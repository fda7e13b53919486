/**
 * Thresholds of the runtime rules, each with the published source it comes from (AUTOTRAINER, DeepDiagnosis,
 * UMLAUT, TheDeepChecker, SageMaker Debugger, Prechelt). All are settings (`trainingLens.diagnosis.*`); the defaults are the published
 * values. Where the product had to choose (a window, a persistence count, which of two published values), the
 * comment says so and why; bench/diagnosis + `npm run bench:diagnosis` measure the effect.
 */
export interface DiagnosisSettings {
  /**
   * Θ: gradient- and activation-shape findings (vanishing/exploding gradient, dead ReLU, saturation) and the
   * accuracy-history rules only while the best training accuracy is below this. AUTOTRAINER gates VG/EG/DR on
   * max(Acc) ≤ Θ to avoid false alarms (reproduce.py: Theta 0.6). Models without an accuracy metric are never gated.
   */
  targetAccuracy: number;
  /** first/last-layer kernel gradient-norm ratio at or below which gradients vanish (AUTOTRAINER β1 = 1e-3) */
  vanishingRatio: number;
  /** ...and the first-layer kernel gradient norm at or below this (AUTOTRAINER β2 = 1e-4) */
  vanishingFirstNorm: number;
  /**
   * per-element gradient magnitude below which the first layer's gradient has vanished (SageMaker Debugger
   * VanishingGradient and DeepDiagnosis: mean |g| < 1e-7). Measured as RMS = norm / sqrt(size), which is ≥ mean |g|,
   * so RMS < 1e-7 implies the published condition.
   */
  vanishingRms: number;
  /** first/last-layer kernel gradient-norm ratio at or above which gradients explode (AUTOTRAINER β3 = 70; RQ3: 40-100 all gave 100% precision/recall) */
  explodingRatio: number;
  /** consecutive gradient probes (training steps) a gradient symptom must hold (AUTOTRAINER α = 0 checks one batch every 3 epochs; one step is noisier, so 3 in a row) */
  persistence: number;
  /** share of a ReLU layer's units dead over a probe window (AUTOTRAINER γ = 70%, its RQ3 range 60-90%; DeepDiagnosis 70%; SageMaker/TheDeepChecker 50%) */
  deadReluFraction: number;
  /**
   * at or above this share dead, a ReLU layer is reported even once the model reaches Θ (a product choice, the
   * boundary where dead-relu is an error: a layer with nine in ten units dead has lost its capacity; on the tune half
   * an Adam lr 0.1 job reached 0.93 accuracy with 96% of a layer dead, past AUTOTRAINER's gate)
   */
  deadReluUngatedFraction: number;
  /** consecutive dead-unit windows (of trainingLens.probes.deadReluWindow steps each) at or above the fraction */
  deadReluWindows: number;
  /** share of sigmoid/tanh outputs whose pre-activation is beyond ±5 (DeepDiagnosis: > 50%) */
  saturatedFraction: number;
  /** consecutive activation probes (every 25 steps by default) the saturation must hold */
  saturationProbes: number;
  /** epochs a kernel must receive exactly zero gradient before "unchanged weights" (DeepDiagnosis compares the last 5 epochs; an exact zero is unambiguous, so 2 suffice) */
  unchangedEpochs: number;
  /** loss-not-decreasing window in epochs (DeepDiagnosis: 5) */
  lossPlateauEpochs: number;
  /** ...and the relative improvement below which the window counts as flat (SageMaker LossNotDecreasing: 0.1%) */
  lossPlateauRelative: number;
  /** oscillation: swing in training accuracy between neighbouring peak and trough (AUTOTRAINER ζ = 0.03) */
  oscillationSwing: number;
  /** ...and the share of epochs with such a swing (AUTOTRAINER η = 20%) */
  oscillationShare: number;
  /**
   * ...and a swing must also be at least this many standard errors of the difference between two epochs'
   * accuracies (binomial sampling error over the epoch's samples; 2: the usual 95% level). ζ = 0.03 is an absolute
   * swing whatever the data size: on 480 samples at 37% accuracy one standard error of that difference is already
   * 0.031, and on the tune half a model stuck at chance "oscillated" by sampling alone.
   */
  oscillationNoiseZ: number;
  /**
   * slow convergence: no epoch raised the training accuracy by more than this (AUTOTRAINER Table I: δ = 0.01 on the
   * training accuracy; RQ3: 0.004-0.014). monitor.py also requires it of the validation accuracy, but a validation
   * set of ~100 samples moves in steps of ~0.01, so only the training curve is judged.
   */
  slowConvergenceDelta: number;
  /** accuracy-history rules start after this share of the planned epochs (AUTOTRAINER judgment_point = 0.3) */
  judgmentPoint: number;
  /** ...and never before this many epochs of history (a product choice: 4 epoch-to-epoch changes) */
  historyEpochs: number;
  /**
   * slow convergence in a run too short for that history: from this many epochs (and the judgment point) on, a
   * training accuracy that at its pace would not reach Θ within the planned epochs, while the loss is still falling
   * (a product choice: 2 epoch-to-epoch changes, the least that shows a pace)
   */
  shortRunEpochs: number;
  /**
   * ...in runs planned for at most this many epochs (a product choice: where the judgment point and the 5-epoch
   * history leave AUTOTRAINER's δ rule at most a few epochs to see a creeping accuracy)
   */
  shortRunEpochsMax: number;
  /**
   * ...the loss is still falling when its last epoch's drop is at least this share of its average drop per epoch so
   * far (a product choice: a plateauing curve drops by a small fraction of its early pace, one held back by too small
   * a step by about its average)
   */
  slowLossPaceShare: number;
  /**
   * overfitting: the validation loss has stayed above its best for `overfitRisingEpochs` epochs (UMLAUT compares
   * epoch to epoch; 2 for persistence) and its generalization loss GL = val_loss / best - 1 is now at least this
   * (Prechelt, "Early stopping - but when?", 1998: criterion GL_α, evaluated there for α = 1, 2, 3, 5; GL_5 -> 0.05,
   * the most conservative), in every one of those epochs, while the training loss reaches a new low. Chosen on the
   * benchmark's tune half: healthy jobs' validation losses wander 3-7% above their best in the last epochs (GL_2
   * called that overfitting), while every sustained rise there passes 5% within 2 epochs.
   */
  overfitGeneralizationLoss: number;
  overfitRisingEpochs: number;
  /** overfitting: (val_loss - loss) / loss above this (SageMaker Debugger Overfit: 0.1) */
  overfitGapRatio: number;
  /**
   * overfitting, when accuracy is logged: training minus validation accuracy at least this, or
   * `overfitAccuracyGapHigh` once training accuracy is above 0.9 (AUTOTRAINER monitor.py's overfitting check:
   * 0.1 / 0.07). A loss gap alone is easily large once the training loss nears 0; the accuracy gap is the harm.
   * Plus overfitNoiseZ standard errors of the validation accuracy over its m samples (sqrt(p(1 - p)/m)).
   */
  overfitAccuracyGap: number;
  overfitAccuracyGapHigh: number;
  /**
   * inputs whose largest magnitude exceeds this are unnormalized. UMLAUT and DeepDiagnosis flag anything outside
   * [-1, 1], which also flags standardized data (the recommended scaling); AUTOTRAINER's extended "abnormal data"
   * check uses ω1 = 10 on mean |activation|, which this follows.
   */
  inputMagnitude: number;
  /** first loss off ln(C) by at least this many times ln(C) (TheDeepChecker: |L0 - ln C| ≥ ln C) */
  initialLossFactor: number;
  /**
   * the first loss is one batch's mean: the offset must also pass this many standard errors of that mean (the
   * per-sample spread of a miscalibrated cross-entropy taken as about the loss itself), so that a default
   * initialization whose first batch lands a little past ln C by chance is not called bad
   */
  initialLossNoiseZ: number;
  /**
   * a learning rate above this is outside the usual range (UMLAUT's "learning rate too high" check: > 0.01); it is
   * then named as the likely cause of dead ReLUs
   */
  highLearningRate: number;
  /**
   * ...or at least this many times the optimizer's default (Keras/tfjs: Adam 0.001, SGD 0.01): one step of
   * AUTOTRAINER's learning-rate repair (S6 changes it ×10 / ÷10)
   */
  highLearningRateFactor: number;
  /**
   * while every kernel's gradient is exactly zero (a stall, nothing can revive a unit), a ReLU layer with at least
   * this share dead is reported as dead-relu, the stall's cause, after one window (SageMaker Debugger's and
   * TheDeepChecker's dead-ReLU threshold: 50%)
   */
  stallDeadReluFraction: number;
  /**
   * steps a symptom whose cause a later probe may reveal (weights that stopped changing) is held back before it is
   * raised: a product choice, one activation-probe period (25 steps; the dead-unit window is 20), so that the cause
   * is raised instead of its consequence
   */
  holdSymptomSteps: number;
  /**
   * saturation the initializer caused: share of a hidden sigmoid/tanh layer's outputs beyond ±5 (derivative below
   * 0.7%) above which, when the layer's initializer is not scaled to its fan-in and the accuracy would not reach Θ
   * within the planned epochs at its pace so far, the layer is reported. A product choice below DeepDiagnosis's 50%,
   * because the learning progress is measured as well: Glorot-initialized twins of such nets measure 0-1%, N(0, 1)
   * ones 25-50%.
   */
  saturatedFractionInit: number;
  /**
   * overfitting: the latest validation loss must still hold this share of the largest rise above its best since
   * then (a product choice: a spike that has fallen back by more than half is noise, not a trend)
   */
  overfitRiseRetained: number;
  /**
   * overfitting by size: the rise must also be at least this many standard errors of a mean loss over the m
   * validation samples (σ/√m, the per-sample loss spread taken as the mean, as for noisy validation; 2: the usual
   * 95% level). On 120 validation samples that is 18%: a healthy tune job's loss wandered 12% then 18% above its
   * best in one run and stayed within 5% in the next.
   */
  overfitNoiseZ: number;
  /**
   * overfitting by consistency: one-sided p-value of a Mann-Kendall trend test over the epochs since the best at or
   * below which a rise of at least GL_α and one standard error of the mean (σ/√m, as for overfitNoiseZ) is
   * established (the usual 5%: three rises in a row after the best). Prechelt's UP_s criterion (s successive
   * increases) asks the same of the curve, without its noise. Three rises of a few percent on 120 samples came by
   * chance in a healthy tune job; see overfitStrongTrendPValue for a trend that stands at any size.
   */
  overfitTrendPValue: number;
  /**
   * overfitting by a strong trend: at or below this Mann-Kendall p-value (at least 5 epochs since the best, 4 rises
   * in a row or more) a rise of GL_α stands whatever its size and even on a validation set with few wrong samples
   * (overfitMinValidationErrors), without a fall of the validation accuracy: a handful of wrong samples growing more
   * confident epoch after epoch is what a model memorizing its training set does to them. 0.01: a fifth of the
   * usual 5%.
   */
  overfitStrongTrendPValue: number;
  /**
   * overfitting on a validation set with fewer expected errors than this (validation samples × error rate): a mean
   * cross-entropy over it is a sum over a handful of wrong samples that grow more or less confident, so the loss
   * alone cannot establish the rise; the validation accuracy must then also have fallen, by overfitNoiseZ standard
   * errors of a two-proportion test. 10: the usual condition for the normal approximation of a binomial count
   * (n·p ≥ 10).
   */
  overfitMinValidationErrors: number;
  /**
   * noisy validation: a spike is a validation loss at least this much above both neighbouring epochs (relative to
   * the lower one). A product choice: twice the ~5% standard error of a mean loss over 1,000 validation samples
   * (σ/√n with a per-sample spread about the size of the mean), the size of a typical Keras validation split
   */
  noisyValidationSwing: number;
  /** ...and at least this many spikes (a single one-epoch spike is not a finding) */
  noisyValidationSpikes: number;
  /**
   * ...the validation set is named as the cause when the largest spike is within this many standard errors (1/√n of
   * the level) of a mean over its n samples (three standard errors: the usual bound for sampling noise)
   */
  noisyValidationSamplingFactor: number;
  /**
   * ...a warning (not info) once the best validation loss is this many epochs old: the noise then hides whether the
   * model still improves (a product choice: the patience of a typical Keras EarlyStopping, 3)
   */
  noisyValidationStaleEpochs: number;
  /** ...a batch size below this is named as the cause when the learning rate is not high for it (half tfjs's default batch of 32) */
  smallBatchSize: number;
  /**
   * label-distribution-shift: total variation distance between the training and the validation label distributions
   * (half the sum of |share difference| over the classes) at or above this (a product choice: 0.1 moves a tenth of
   * the samples to other classes, far beyond what a random split of a few hundred samples gives) ...
   */
  labelShiftDistance: number;
  /**
   * ...and Pearson's chi-squared homogeneity test rejects "same distribution" at this p-value (Rabanser, Günnemann &
   * Lipton, "Failing Loudly", NeurIPS 2019, test label shift with a chi-squared test; they use 0.05, this stricter
   * level keeps the finding for splits that are clearly wrong, not unlucky).
   */
  labelShiftPValue: number;
  /**
   * class-imbalance: the largest class has at least this many times the samples of the smallest (Google's Machine
   * Learning Crash Course, "Imbalanced datasets": a minority of 20-40% is mild imbalance, below 20% moderate; 4:1 is
   * that 20% for two classes) ...
   */
  imbalanceRatio: number;
  /** ...and the model finds at most this share of the minority classes' samples (mean recall; a product choice: fewer than 1 in 5) ... */
  imbalanceMinorityRecall: number;
  /** ...at this many epoch ends in a row (persistence, as for the other curve rules) */
  imbalanceEpochs: number;
  /**
   * ...or, without per-class results (no validation data), the training accuracy within this of the majority class's
   * share (a product choice: one sample in a hundred; the majority rate is what predicting one class scores)
   */
  imbalanceAccuracyMargin: number;
  /**
   * train-validation-leakage: share of validation samples whose input also occurs in the training data at or above
   * this (Barz & Denzler, "Do we train on test data? Purging CIFAR of near-duplicates", 2020: 3.3% of the CIFAR-10
   * test images have a duplicate in training and it inflates the scores; 1% keeps the rare natural duplicate out)
   */
  leakageShare: number;
  /** label-loss-mismatch: a one-hot or probability row may sum to 1 within this (float32 rounding of soft labels) */
  labelRowSumTolerance: number;
}

export const DEFAULT_DIAGNOSIS: DiagnosisSettings = {
  targetAccuracy: 0.6,
  vanishingRatio: 1e-3,
  vanishingFirstNorm: 1e-4,
  vanishingRms: 1e-7,
  explodingRatio: 70,
  persistence: 3,
  deadReluFraction: 0.7,
  deadReluWindows: 2,
  deadReluUngatedFraction: 0.9,
  saturatedFraction: 0.5,
  saturationProbes: 2,
  unchangedEpochs: 2,
  lossPlateauEpochs: 5,
  lossPlateauRelative: 1e-3,
  oscillationSwing: 0.03,
  oscillationShare: 0.2,
  oscillationNoiseZ: 2,
  slowConvergenceDelta: 0.01,
  judgmentPoint: 0.3,
  historyEpochs: 5,
  shortRunEpochs: 3,
  shortRunEpochsMax: 10,
  slowLossPaceShare: 0.5,
  overfitGeneralizationLoss: 0.05,
  overfitRisingEpochs: 2,
  overfitGapRatio: 0.1,
  overfitAccuracyGap: 0.1,
  overfitAccuracyGapHigh: 0.07,
  inputMagnitude: 10,
  initialLossFactor: 1,
  initialLossNoiseZ: 2,
  highLearningRate: 0.01,
  highLearningRateFactor: 10,
  stallDeadReluFraction: 0.5,
  holdSymptomSteps: 25,
  saturatedFractionInit: 0.25,
  overfitRiseRetained: 0.5,
  overfitNoiseZ: 2,
  overfitTrendPValue: 0.05,
  overfitStrongTrendPValue: 0.01,
  overfitMinValidationErrors: 10,
  noisyValidationSwing: 0.1,
  noisyValidationSpikes: 2,
  noisyValidationSamplingFactor: 3,
  noisyValidationStaleEpochs: 3,
  smallBatchSize: 16,
  labelShiftDistance: 0.1,
  labelShiftPValue: 0.001,
  imbalanceRatio: 4,
  imbalanceMinorityRecall: 0.2,
  imbalanceEpochs: 2,
  imbalanceAccuracyMargin: 0.01,
  leakageShare: 0.01,
  labelRowSumTolerance: 1e-3,
};

export const RULE_SOURCES = {
  vanishing:
    'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: VG (β1 = 1e-3, β2 = 1e-4); SageMaker Debugger VanishingGradient (1e-7)',
  exploding: 'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: EG (β3 = 70)',
  nonFinite: 'DeepLocalize (Wardat et al., ICSE 2021): NaN/Inf; AUTOTRAINER EG; SageMaker Debugger ExplodingTensor',
  deadRelu:
    'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: DR (γ = 70%); DeepDiagnosis (Wardat et al., ICSE 2022): dead node; SageMaker Debugger / TheDeepChecker 50% during a stall; UMLAUT: learning rate > 0.01',
  saturated: 'DeepDiagnosis (Wardat et al., ICSE 2022): saturated activation (> 50% beyond ±5)',
  saturatedInit:
    'Glorot & Bengio (AISTATS 2010): saturation from unscaled initialization; DeepDiagnosis saturated activation (±5); AUTOTRAINER Θ = 0.6 as the learning target',
  unchanged:
    'DeepDiagnosis (Wardat et al., ICSE 2022): unchanged weight; TheDeepChecker: constant initialization (unbroken symmetry)',
  lossFlat:
    'DeepDiagnosis (Wardat et al., ICSE 2022): loss not decreasing (5 epochs); SageMaker Debugger LossNotDecreasing (0.1%)',
  oscillating:
    'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: OL (ζ = 0.03, η = 20%); swings beyond 2 binomial standard errors of the epoch accuracy',
  slow: 'AUTOTRAINER (Zhang et al., ICSE 2021), Table I: SC (δ = 0.01)',
  overfitting:
    'UMLAUT (Schoop et al., CHI 2021): possible overfitting; Prechelt 1998: generalization loss GL_5 held over consecutive epochs, or successive increases (UP_s) tested by Mann-Kendall (p ≤ 0.05); SageMaker Debugger Overfit (0.1); AUTOTRAINER accuracy gap (0.1 / 0.07)',
  noisyValidation:
    'Prechelt 1998 (validation curves are noisy: judge the trend); Goyal et al. 2017 (linear learning-rate scaling with batch size); Malladi et al. 2022 (square-root scaling for adaptive optimizers); standard error σ/√n of the validation mean',
  initialLoss:
    "TheDeepChecker (Ben Braiek & Khomh, TOSEM 2022): initial loss |L0 - ln C| ≥ ln C (and beyond 2 standard errors of the first batch's mean)",
  labelShift:
    'Rabanser, Günnemann & Lipton, "Failing Loudly" (NeurIPS 2019): label shift by a chi-squared test; tfjs-layers fit: validationSplit takes the last fraction before shuffling',
  imbalance:
    'Google Machine Learning Crash Course, "Imbalanced datasets"; He & Garcia, "Learning from Imbalanced Data" (IEEE TKDE 2009): accuracy hides the minority class',
  nonFiniteInput:
    'DeepDiagnosis (Wardat et al., ICSE 2022) and UMLAUT (Schoop et al., CHI 2021): invalid (NaN) input data',
  redundantActivation:
    'TheDeepChecker (Ben Braiek & Khomh, TOSEM 2020) redundant softmax; tfjs: tf.losses.softmaxCrossEntropy / sigmoidCrossEntropy apply the activation to their logits',
  labelLoss:
    'tfjs-layers losses: categoricalCrossentropy expects one-hot rows, sparseCategoricalCrossentropy class indices, binaryCrossentropy targets in [0, 1]; UMLAUT: output activation and loss mismatch',
  leakage:
    'Barz & Denzler, "Do we train on test data? Purging CIFAR of near-duplicates" (J. Imaging 2020); Kaufman et al., "Leakage in data mining" (TKDD 2012)',
  input:
    'UMLAUT (Schoop et al., CHI 2021) and DeepDiagnosis: input not normalized; AUTOTRAINER (extended): abnormal data (ω1 = 10)',
} as const;

/**
 * Which finding explains which (a product rule, after AUTOTRAINER's priority — NaN first, then dying ReLU, EG, VG,
 * then slow convergence — and DeepDiagnosis's fix decision tree, which checks the data range before any symptom).
 * A finding is not raised while one of a more fundamental level has been raised, or (for the curve rules) while a
 * layer symptom is holding but not yet persistent: one root cause, one finding, one remedy.
 * -1 data that cannot be learned from as given: NaN/Inf inputs, labels the loss cannot read
 *  0 non-finite values: training is over
 *  1 unnormalized input: every downstream symptom follows from it
 *  2 weights that never received a gradient since the start (constant initialization); exploding gradients (the
 *    oversized updates then saturate or silence units downstream)
 *  2.5 saturation (a saturated layer passes almost no gradient back, so gradients vanish before it)
 *  3 layer symptoms (dead ReLU, vanishing gradient) and a bad initial loss
 *  3.5 weights that stopped changing (every gradient exactly 0): the consequence of dead units or saturation when
 *    those are found (the stall is held back until their probes have been read)
 *  4 curve symptoms (loss not decreasing, slow convergence, oscillation)
 *  4.5 a noisy validation loss (an oscillating training, or any problem above, makes it jump too)
 * Overfitting stands apart: it is about generalization, not optimization.
 */
/**
 * Findings that stand apart from ROOT_LEVEL but are explained by a specific other finding: a validation set with
 * other classes than training makes the validation loss rise while the training loss falls, which is not overfitting;
 * nor is a validation loss that rose in a training whose steps overshoot (oscillating-loss): its best was a lucky
 * point of the swings, and the remedy (a smaller learning rate) is the oscillation's.
 */
export const EXPLAINED_BY: Record<string, string[]> = {
  overfitting: ['label-distribution-shift', 'oscillating-loss'],
};

export const ROOT_LEVEL: Record<string, number> = {
  // data that cannot be learned from as given (src/detectors/data.ts): every symptom of the optimization follows
  'non-finite-input': -1,
  'label-loss-mismatch': -1,
  'non-finite': 0,
  'unnormalized-input': 1,
  'unchanged-weights': 3.5, // 2 when the gradient has been zero since the first step
  'bad-initial-loss': 3,
  'dead-relu': 3,
  'exploding-gradient': 2, // the weights it blows up then saturate or silence downstream units
  'exploding-weights': 2, // read on a logdir's weight histograms: the same divergence seen in the weights
  'vanishing-gradient': 3,
  'saturated-activation': 2.5, // saturated units pass < 0.7% of the gradient back: vanishing gradients before them follow
  'loss-not-decreasing': 4,
  'slow-convergence': 4,
  'oscillating-loss': 4,
  'noisy-validation': 4.5, // a training that oscillates, or any layer symptom, explains a jumping validation loss
};
