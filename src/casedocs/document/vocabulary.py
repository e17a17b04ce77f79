"""Words that say what an image is, not what it shows: the answer check's notion of "ordinary".

A public text (a figure's view or alt text, a series name, a conference title) may share
these words with the findings freely: "Axial contrast-enhanced CT of the left kidney" names
nothing a resident should not know. Words outside these lists and the function words are
*distinctive*: a run of words from the findings that holds one is answer content.

The words of DICOM's own code tables (dicom_terms.py) come first; the lists here are data,
grouped by what they name, for what those tables lack. Add to them when a correct case is
refused (never a word that names what an image shows). Entries are single words; hyphenated
terms are split ("T2-weighted" is "t2" and "weighted").
"""

from __future__ import annotations

from casedocs.document.dicom_terms import dicom_terms

# Function words and the verbs of reporting: they carry no meaning in a phrase, so a phrase is
# matched on the words around them ("collection of mixed density" is "collection mixed
# density").
FUNCTION_WORDS = """
a an the of in on at to for with without within and or but nor by from into onto upon over
under about above below between among across along around through throughout via per as
than then so if is are was were be been being am this that these those it its itself there
here which who whom whose what when where while how why also not no both either neither each
every all any some such same other another more most less least very much many few only just
even still again further has have had having can may might could would should will shall
must do does did done his her hers their theirs our ours we he she they them you your i me
my mine us him one ones s shows show showing shown showed demonstrates demonstrate
demonstrated demonstrating reveals reveal revealed revealing seen see seeing noted note notes
noting identified depicts depict depicted depicting illustrates illustrate illustrated
obtained performed taken acquired given made following follow followed using use used
displays display displayed appears appear appearing appearance likely probable possible
possibly consistent compatible suggestive suggesting suggests suggest favoring favour favor
would next describe what's
e g i ie eg vs versus approx approximately cf etc et al dr st mr mrs ms no nos
"""

MODALITIES = """
ct cta ctpa cect ncct hrct mdct cbct mri mr mra mrv mrcp fmri radiograph radiographs
radiography radiographic x ray xray xr cr dx film films plain us ultrasound ultrasonography
sonogram sonography sonographic doppler duplex echo echocardiogram echocardiography
mammogram mammography mammographic tomosynthesis dbt nm scintigraphy scintigram scintigraphic
scan scans scanning spect pet pet-ct fluoroscopy fluoroscopic fluoro angiography angiogram
angiographic arteriogram arteriography venogram venography dsa cholangiogram cholangiography
urogram urography cystogram cystourethrogram vcug esophagram swallow enema
hysterosalpingogram myelogram arthrogram sialogram fistulogram tomography tomographic
computed magnetic resonance imaging imaged image images study studies exam examination
examinations series acquisition reconstruction reconstructions reformat reformats reformatted
reformation mpr mip minip vr volume rendered rendering rendition 3d 2d multiplanar maximum
minimum intensity projection photograph photo photography clinical specimen gross histology
histopathology micrograph photomicrograph stain h e hematoxylin eosin magnification
illustration illustrations drawn drawing diagram schematic
"""

PLANES_AND_VIEWS = """
axial transverse transaxial sagittal coronal oblique parasagittal paracoronal longitudinal
frontal lateral pa ap posteroanterior anteroposterior view views projection projections
decubitus supine prone erect upright standing seated sitting recumbent lordotic apical
expiratory inspiratory expiration inspiration craniocaudal cc mediolateral mlo ml lm spot
compression magnified magnification tangential cleavage exaggerated xccl rolled
mortise oblique scaphoid swimmer odontoid open mouth waters caldwell towne sunrise merchant
skyline tunnel notch frog leg grashey outlet inlet judet y flexion extension stress
weight-bearing weightbearing bearing non normal comparison contralateral baseline prior initial
previous follow-up followup follow up subsequent repeat interval later earlier post pre
immediate delayed early late before after preoperative postoperative intraoperative
procedural preprocedure postprocedure pre-procedure post-procedure
transabdominal transvaginal endovaginal transrectal transperineal transthoracic
transesophageal intercostal subcostal endoscopic endorectal intraoperative
grayscale greyscale gray grey scale color colour power spectral waveform b mode m
elastography shear wave harmonic cine clip still frame loop split screen dual
close-up closeup detail zoomed zoom cropped crop inset bb marker markers skin scar
completion final run runs pre-embolization post-embolization
"""

SEQUENCES_AND_PHASES = """
t1 t2 t1-weighted t2-weighted weighted weighting pd proton density flair stir dwi dti adc
diffusion tensor tractography perfusion gre swi susceptibility t2 star gradient echo spin
fast turbo tse fse ssfse haste bssfp fiesta truefisp vibe lava space cube mprage spgr
dixon in-phase opposed-phase out-of-phase phase opposed fat water sat saturated saturation
suppressed suppression fs fatsat subtraction subtracted mip map maps value values b-value
bold spectroscopy mrs cine tof time flight contrast contrasted noncontrast unenhanced
enhanced gadolinium gadolinium-enhanced gad gd postcontrast precontrast postgadolinium
iodinated oral rectal intravenous iv arterial venous portal portovenous nephrographic
excretory corticomedullary pyelographic hepatobiliary equilibrium parenchymal phase phases
dynamic multiphase multiphasic biphasic triphasic washin washout early late delayed
window windows windowed windowing level lung bone soft tissue mediastinal brain subdural
stroke liver wide narrow kernel sharp smooth thin thick section sections slice slices
cut cuts mm cm millimetre millimeter centimetre centimeter sec second seconds min minute
minutes hour hours hr hrs day days week weeks month months year years dose low high
resolution standard protocol routine limited focused targeted survey screening diagnostic
"""

NUCLEAR_MEDICINE = """
tc technetium 99m tc-99m 99mtc mdp hdp hmdp dtpa dmsa mag3 mebrofenin hida disofenin
sestamibi mibi tetrofosmin sulfur colloid macroaggregated albumin maa pyrophosphate pyp
pertechnetate exametazime hmpao ecd bicisate tilmanocept labeled labelled leukocyte wbc rbc
red cell cells tagged in-111 indium oxine pentetreotide octreotide octreoscan i-123 i-131
iodine ioflupane datscan mibg iobenguane thallium tl-201 ga-67 gallium ga-68 dotatate
dotatoc psma f-18 18f fluorine fdg fluorodeoxyglucose fluciclovine choline sodium fluoride
naf florbetapir amyloid tau xe-133 xenon kr-81m rubidium rb-82 ammonia n-13 tracer
radiotracer radiopharmaceutical radionuclide isotope activity uptake counts count
injection injected administration administered bone whole-body whole body blood pool flow
first pass three-phase triple two-phase planar static dynamic anterior posterior
pinhole fused fusion attenuation corrected correction nonattenuation suv suvmax suvmean
"""

INTERVENTION = """
catheter catheterization selective superselective microcatheter sheath wire guidewire
needle access puncture injection contrast angioplasty balloon stent stenting embolization
embolisation coil coils particles plug glue onyx gelfoam drainage drain aspiration biopsy
core fna ablation radiofrequency microwave cryoablation vertebroplasty
kyphoplasty nephrostomy cholecystostomy gastrostomy tips filter port picc line lines tube
tubes placement placed insertion inserted removal retrieval exchange pre post fluoroscopic
guidance guided road map roadmap runoff run-off digital subtracted run injection pigtail
thrombectomy thrombolysis atherectomy mechanical angiographie angiografie thrombektomie
embolisation intervention interventional procedure
"""

ANATOMY = """
head skull calvarium calvaria cranium cranial intracranial brain cerebral cerebrum
cerebellum cerebellar brainstem pons midbrain medulla hemisphere hemispheres lobe lobes
frontal parietal temporal occipital insula insular cortex cortical subcortical white gray
grey matter deep basal ganglia thalamus thalami thalamic caudate putamen globus pallidus
internal external capsule corpus callosum ventricle ventricles ventricular lateral third
fourth sylvian fissure sulci sulcus gyri gyrus cistern cisterns suprasellar sella sellar
pituitary hypothalamus pineal posterior fossa cerebellopontine angle cpa iac internal
auditory canal orbit orbits orbital globe optic nerve chiasm sinus sinuses paranasal
maxillary ethmoid sphenoid frontal nasal cavity nasopharynx oropharynx hypopharynx larynx
laryngeal pharynx pharyngeal oral tongue floor mouth parotid submandibular salivary gland
glands thyroid parathyroid neck cervical carotid jugular vertebral artery arteries vein
veins venous vessel vessels vascular circle willis mca aca pca ica basilar dural sinus
sinuses sagittal transverse sigmoid meninges meningeal dura subdural epidural subarachnoid
mastoid petrous temporal bone inner middle ear ears cochlea face
facial mandible maxilla teeth tooth jaw
chest thorax thoracic lung lungs pulmonary lobe upper middle lower lingula lingular apex
apices base bases hilum hila hilar mediastinum mediastinal airway airways trachea
bronchus bronchi bronchial pleura pleural pleurae diaphragm diaphragmatic hemidiaphragm
heart cardiac pericardium pericardial atrium atria atrial ventricle ventricular aorta aortic
arch ascending descending root valve valves coronary coronaries pulmonary trunk svc ivc
vena cava azygos esophagus esophageal oesophagus thymus rib ribs sternum sternal clavicle
clavicles scapula scapulae chest wall axilla axillary breast breasts nipple areola
retroareolar subareolar quadrant quadrants upper outer inner lower clock o'clock
abdomen abdominal pelvis pelvic liver hepatic segment segments biliary bile duct ducts
common cbd gallbladder pancreas pancreatic head neck body tail uncinate spleen splenic
stomach gastric duodenum duodenal jejunum jejunal ileum ileal terminal cecum caecum
appendix colon colonic sigmoid rectum rectal anus anal bowel small large intestine
intestinal mesentery mesenteric omentum peritoneum peritoneal retroperitoneum
retroperitoneal kidney kidneys renal adrenal adrenals ureter ureters ureteral bladder
vesical urethra prostate seminal vesicles testis testes testicle testicles scrotum scrotal
epididymis uterus uterine endometrium endometrial cervix ovary ovaries ovarian adnexa
adnexal fallopian tube vagina vaginal placenta fetus fetal pregnancy gestational
iliac femoral inguinal groin portal hepatic splenic celiac sma ima superior inferior
mesenteric umbilical
spine spinal vertebra vertebrae vertebral body bodies disc discs disk intervertebral cord
canal foramen foramina facet facets pedicle pedicles lamina spinous process transverse
cervical thoracic lumbar sacral sacrum coccyx thoracolumbar lumbosacral craniocervical
paraspinal paravertebral
shoulder humerus humeral glenoid glenohumeral acromion acromioclavicular rotator cuff
elbow radius radial ulna ulnar olecranon forearm wrist carpal carpus scaphoid lunate
hand hands finger fingers thumb metacarpal metacarpals phalanx phalanges hip hips femur
femoral acetabulum acetabular pelvis pubic pubis symphysis ischium ilium sacroiliac
knee knees patella patellar tibia tibial fibula fibular meniscus menisci cruciate
ligament ligaments tendon tendons muscle muscles ankle foot feet calcaneus talus
tarsal metatarsal metatarsals toe toes leg legs thigh calf arm arms limb limbs
extremity extremities joint joints bone bones bony osseous marrow skeleton skeletal
soft tissue tissues skin subcutaneous fat
lymph node nodes nodal whole body trunk torso main
hippocampus hippocampal amygdala fornix septum pellucidum choroid plexus aqueduct monro
magnum clivus tentorium falx vermis tonsil tonsils peduncle peduncles meatus apex cavernous
meckel cribriform plate lamina papyracea turbinate turbinates ostiomeatal antrum
pterygopalatine masticator parapharyngeal retropharyngeal vallecula epiglottis glottis
glottic supraglottic subglottic vocal cord cords cricoid arytenoid piriform hyoid submental
sublingual masseter temporalis sternocleidomastoid trapezius scalene brachial plexus inlet
carina mainstem bronchiole bronchioles alveoli interstitium interstitial fissure fissures
major minor azygoesophageal recess aortopulmonary paratracheal subcarinal prevascular
retrocardiac retrosternal costophrenic cardiophrenic angle angles zone zones vein veins
appendage interatrial interventricular myocardium myocardial endocardium mitral tricuspid
pulmonic annulus valsalva lad circumflex rca brachiocephalic subclavian innominate mammary
portal porta hepatis falciform caudate couinaud dome ampulla papilla cystic intrahepatic
extrahepatic fundus pylorus pyloric curvature bulb treitz ileocecal flexure rectosigmoid
mesorectum mesorectal presacral pouch douglas rectouterine morison paracolic gutter gutters
subphrenic subhepatic perihepatic perisplenic sac perirenal pararenal space spaces gerota
fascia psoas iliopsoas quadratus lumborum calyx calyces collecting ureteropelvic
ureterovesical junction limb trigone transition vas deferens spermatic epididymal tunica
albuginea vaginalis penis cavernosum myometrium junctional broad cul-de-sac
glenoid labrum supraspinatus infraspinatus subscapularis teres biceps triceps deltoid bursa
subacromial coracoid tuberosity shaft diaphysis diaphyseal metaphysis metaphyseal epiphysis
epiphyseal physis physeal growth apophysis medullary periosteum trabecular cancellous
subchondral articular cartilage synovium synovial capsule collateral acl pcl mcl lcl
quadriceps hamstring gastrocnemius soleus achilles plantar navicular cuboid cuneiform
sesamoid malleolus malleoli plateau plafond trochanter trochanteric intertrochanteric
subtrochanteric ramus rami ischial crest wing endplate endplates neural thecal conus
medullaris cauda equina root roots nucleus pulposus capitellum trochlea coronoid styloid
triquetrum pisiform trapezium trapezoid capitate hamate tfcc tarsus metatarsus
retroareolar subareolar pectoralis pectoral inframammary fold uoq uiq loq liq fn nipple
bifurcation trifurcation origin confluence hiatus ostium ostia orifice lumen wall walls
segment surface margin contour outline profile branch branches segmental subsegmental
lobar sublobar central peripheral proper
sinotubular intercostobronchial centrum semiovale corona radiata periventricular
juxtacortical infratentorial supratentorial
"""

POSITION = """
left right bilateral unilateral both midline central peripheral anterior posterior
superior inferior medial lateral proximal distal cranial caudal cephalad ventral dorsal
upper lower middle mid level levels higher highest lowest region regional area side sides
aspect
ipsilateral contralateral deep superficial inner outer internal external
"""

PEOPLE_AND_CASES = """
patient patients male female man woman men women boy girl child children infant infants
neonate neonatal newborn baby toddler adolescent teenager adult adults elderly old
year-old month-old week-old day-old aged age pediatric paediatric
case cases conference conferences teaching file files unknown unknowns quiz session
rounds review board resident residents fellow fellows grand weekly monthly thursday
tuesday monday wednesday friday series part imaging radiology radiological
department hospital university centre center clinic neuroradiology neuro chest thoracic
musculoskeletal msk body abdominal gu genitourinary gi gastrointestinal breast women's
nuclear medicine molecular interventional ir emergency trauma cardiac cardiovascular head
neck ent ped peds paediatrics pediatrics oncology oncologic
history findings finding diagnosis diagnoses differential discussion management
fig figs figure figures panel panels arrow arrows arrowhead arrowheads circle circled
asterisk star slide slides page pages label labels labelled labeled marked
"""


# Words a full stop follows without ending the sentence ("Fig. 2", "e.g. lymphoma").
ABBREVIATED = """
fig figs e.g i.e eg ie vs approx ca cf dr drs st mr mrs ms prof no nos vol pp pg al etc
incl resp ref refs ed eds jr sr dept univ inc co ltd mt sp spp var eq nb viz esp appr avg
"""


# What DICOM's code tables (dicom_terms.py) lack. Cardiac imaging: views, sequences, phases,
# maps, flow and calcium scoring; perfusion maps and their settings; nuclear medicine
# displays; angiographic phases. Technique only: no word here names what an image shows.
TECHNIQUE_SUPPLEMENT = """
ssfp cine lge psir mag magnitude inversion recovery ti scout localizer localiser topogram
surview pilot mapping map maps native t1 t2 t2* ecv extracellular molli shmolli
two-chamber three-chamber four-chamber chamber chambers short-axis long-axis axis
end-systole end-diastole end-systolic end-diastolic systole diastole systolic diastolic
midventricular mid-ventricular basal apical stress rest adenosine regadenoson dobutamine
first-pass velocity encoded encoding venc phase-contrast through-plane in-plane flow
ecg ecg-gated gated gating triggered retrospective prospective calcium scoring score
agatston non-contrast noncontrast
cbf cbv mtt tmax ttp rcbv rcbf rmtt dsc dce asl pcasl pasl pld labeling labelling
post-labeling post-labelling spin leakage-corrected corrected
summed sum time-activity curve curves renogram renography clearance drainage
semi-quantitative semiquantitative quantitative quantification specific binding ratio
ratios sbr age-matched matched database reference template
capillary parenchymal late arterial early venous mask native roadmap cone-beam
enhancement enhanced
"""

# German: the function words of a phrase, and the words of technique and anatomy a German
# view or anatomy field uses as its English twin does.
GERMAN_FUNCTION_WORDS = """
der die das des dem den ein eine einer eines einem einen und oder mit ohne nach vor bei im
in am an auf aus zum zur zu von vom über unter durch für gegen um bis sowie als auch nicht
kein keine ist sind war wurde wurden wird werden zeigt zeigen zeigte zeigten zeigend sich
bzw ca dr med
"""
GERMAN_TECHNIQUE = """
aufnahme aufnahmen bild bilder bildgebung darstellung rekonstruktion rekonstruktionen
schicht schichten schichtdicke ebene höhe ansicht projektion sequenz sequenzen gewichtet
gewichtete gewichteten gewichteter axial axiale axialen axialer sagittal sagittale
sagittalen koronar koronare koronaren koronarer transversal transversale schräg
schräg-sagittale schräg-koronare nativ native nativen natives arteriell arterielle
arteriellen arterieller portalvenös portalvenöse portalvenösen venös venöse venösen
spätphase spät späte frühphase früh frühe frühaufnahme spätaufnahme phase kontrastmittel
kontrastmittelgabe km fettsättigung fettgesättigt fettgesättigte mrt mr ct röntgen
sonographie sonografie szintigraphie szintigrafie übersicht übersichtsaufnahme thorax
abdomen becken schädel wirbelsäule fenster weichteilfenster knochenfenster lungenfenster
links rechts beidseits seitlich seitliche frontal dorsal ventral kranial kaudal
verlaufskontrolle kontrolle voraufnahme verlauf digitale subtraktionsangiographie dsa
"""
GERMAN_ANATOMY = """
gehirn hirn kopf hals wirbelsäule thorax lunge lungen herz aorta abdomen bauch becken leber
gallenblase pankreas milz niere nieren nebenniere nebennieren harnblase blase prostata
uterus ovar ovarien darm dünndarm dickdarm kolon rektum magen speiseröhre ösophagus
schilddrüse nebenschilddrüse nebenschilddrüsen lymphknoten knochen gelenk knie hüfte
schulter ellenbogen handgelenk hand fuß sprunggelenk oberschenkel unterschenkel oberarm
unterarm wirbelkörper bandscheibe rückenmark kleinhirn kleinhirnbrückenwinkel hirnstamm
großhirn ventrikel innerer gehörgang felsenbein orbita nasennebenhöhlen halsweichteile
mediastinum pleura zwerchfell pulmonalarterie pulmonalarterien pulmonalisbifurkation
lungenarterie lungenarterien hohlvene pfortader lebervene lebervenen gefäß gefäße arterie
arterien vene venen segment lappen oberlappen unterlappen mittellappen vorderhorn
hinterhorn meniskus kreuzband vorderes hinteres seitenband sehne sehnen muskel
"""


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


STOP_WORDS = _words(FUNCTION_WORDS, GERMAN_FUNCTION_WORDS)
IMAGE_WORDS = _words(
    MODALITIES, PLANES_AND_VIEWS, SEQUENCES_AND_PHASES, NUCLEAR_MEDICINE, INTERVENTION,
    ANATOMY, POSITION, PEOPLE_AND_CASES, TECHNIQUE_SUPPLEMENT, GERMAN_TECHNIQUE, GERMAN_ANATOMY,
) | dicom_terms()
ABBREVIATIONS = _words(ABBREVIATED)
